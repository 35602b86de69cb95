# Words of the leaders' pages: the frame, overview, results, rankings, flags, turnout, exports.

dashboard-nav = 导航
dashboard-nav-overview = 总览
dashboard-nav-upload = 上传定义
dashboard-nav-sign-out = 退出
dashboard-all-units = 全部单位
dashboard-role-admin = 管理员
dashboard-role-organiser = 组织部门
dashboard-role-leader = 领导
dashboard-role-officer = 调查员
