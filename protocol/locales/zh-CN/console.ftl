# Words of the organiser's console: units, accounts, officials, surveys and rounds set up and run.

## 通用

console-nav-units = 单位
console-nav-accounts = 账号
console-nav-officials = 干部名册
console-nav-password = 修改密码
console-back = 返回
console-cancel = 取消,返回
console-save = 保存
console-form-has-problems = 请修改下面标出的问题。
console-file-too-large-heading = 文件太大
console-file-too-large = 上传的文件不能超过 2 MB。请把表格拆成几个文件分别导入。
console-import-column = 列名
console-import-holds = 内容
console-import-file = 选择 Excel(.xlsx)或 CSV 文件
console-import-preview = 上传并预览(此时不保存)
console-preview-blocked = 文件中有错误,什么都没有保存。请在 Excel 中改正标红的行和单元格后重新上传。
console-preview-warnings = 以下内容不会导入:
console-preview-confirm = 确认导入
console-preview-another = 上传另一个文件
console-preview-rows = 文件内容
console-preview-row = 行
console-preview-status = 导入后
console-preview-bad-row = 有错误:

## 单位

console-units-heading = 单位
console-units-none = 还没有单位。
console-units-back = 返回单位列表
console-units-import-link = 从 Excel 或 CSV 导入单位名单
console-unit-add = 添加单位
console-unit-add-button = 添加
console-unit-name = 名称
console-unit-kind = 类型
console-unit-kind-choose = 请选择单位类型。
console-unit-parent = 上级单位
console-unit-window = 窗口单位
console-unit-window-label = 窗口单位(直接服务群众,常作为满意度测评对象)
console-unit-retired-badge = 已撤销
console-unit-rename = 改名
console-unit-rename-button = 改名
console-unit-move = 移到其他上级单位下
console-unit-move-button = 移动
console-unit-retire = 撤销此单位
console-unit-retire-hint = 撤销后,单位仍保留在以往的结果中,但不能再作为测评对象,也不能在其下添加单位或干部。可以随时恢复。
console-unit-restore = 恢复此单位
console-unit-restore-hint = 恢复后,单位可以再次作为测评对象。
console-unit-retire-heading = 撤销“{ $unit }”?
console-unit-retire-what = “{ $unit }”将被撤销:它仍保留在以往的调查和测评结果中,但不能再作为测评对象,也不能在其下添加单位或干部。以后可以恢复。
console-unit-created = 已添加“{ $unit }”。
console-unit-renamed = 已改名为“{ $unit }”。
console-unit-moved = 已移动“{ $unit }”。
console-unit-window-on = “{ $unit }”已设为窗口单位。
console-unit-window-off = “{ $unit }”已不再是窗口单位。
console-unit-retired = 已撤销“{ $unit }”。
console-unit-restored = 已恢复“{ $unit }”。
console-units-import-heading = 导入单位名单
console-units-import-intro = 每行一个单位,第一行是列名,列的顺序不限。上传后先显示预览,标出每个有问题的行和单元格;确认后才保存,要么全部保存,要么一个都不保存。已有的单位不会重复添加。
console-units-col-name = 名称
console-units-col-name-what = 单位名称,必填,不超过 100 个字,不含“/”
console-units-col-kind = 类型
console-units-col-kind-what = 县、乡镇、县直部门、村或社区,必填
console-units-col-parent = 上级单位
console-units-col-parent-what = 上级单位的名称(重名时写路径,如“东山镇/新村”);县级单位留空
console-units-col-window = 窗口单位
console-units-col-window-what = 是或否,可不填(不填为否)
console-units-col-code = 代码
console-units-col-code-what = 单位代码,可不填;填了的不能重复
console-units-preview-heading = 单位名单预览
console-units-preview-summary = 确认后将新增 { $created } 个单位,更新 { $updated } 个,{ $unchanged } 个已存在、不变。
console-units-row-create = 新增
console-units-row-unchanged = 已存在,不变
console-units-row-window = 已存在,更新窗口单位标记
console-units-imported = 单位名单已导入:新增 { $created } 个,更新 { $updated } 个,{ $unchanged } 个不变。

## 账号

console-accounts-heading = 账号
console-accounts-back = 返回账号列表
console-account-username = 用户名
console-account-display-name = 姓名(可不填,默认为用户名)
console-account-role = 角色
console-account-unit = 所属单位
console-account-state = 状态
console-account-role-choose = 请选择角色。
console-account-unit-choose = 请选择所属单位。
console-account-add = 新建账号
console-account-add-hint = 新账号会得到一个临时密码,只显示一次;对方首次登录时必须修改。
console-account-add-button = 新建账号
console-account-created = 已新建账号“{ $username }”。
console-account-temporary-intro = 临时密码(请当面或电话告知),账号:
console-account-temporary-once = 此密码只显示这一次,离开本页后无法再查看。对方登录后必须立即修改。
console-account-enabled-badge = 正常
console-account-disabled-badge = 已停用
console-account-temporary-badge = 临时密码,待修改
console-account-disable = 停用此账号
console-account-enable = 启用此账号
console-account-disable-heading = 停用账号“{ $username }”?
console-account-disable-what = 账号“{ $username }”将立即不能登录,已登录的电脑和手机也会立即失效。可以随时重新启用。
console-account-disabled = 已停用账号“{ $username }”。
console-account-enabled = 已启用账号“{ $username }”。
console-account-reset = 重置密码
console-account-reset-hint = 生成一个新的临时密码,只显示一次;原密码立即失效,所有已登录的设备都要重新登录。
console-account-reset-heading = 重置“{ $username }”的密码?
console-account-reset-what = 账号“{ $username }”的原密码将立即失效,所有已登录的电脑、手机和客户端都要重新登录。新的临时密码只显示一次,对方登录后必须修改。
console-account-was-reset = 已重置“{ $username }”的密码。
console-account-devices = 客户端设备
console-account-no-devices = 没有客户端设备。
console-account-revoke = 注销此设备
console-account-device-revoked = 已注销该设备,它的下次请求会被拒绝。
console-account-device-revoked-badge = 已注销

## 修改密码

console-password-heading = 修改密码
console-password-must-change = 您正在使用临时密码。请先设置自己的新密码,然后才能使用看板。
console-password-current = 当前密码
console-password-new = 新密码(至少 10 个字符)
console-password-repeat = 再次输入新密码
console-password-button = 修改密码
console-password-changed-heading = 密码已修改
console-password-changed = 密码已修改。为安全起见,所有已登录的设备都已退出,请用新密码重新登录。
console-password-sign-in-again = 用新密码登录

## 干部名册

console-officials-heading = 干部名册
console-officials-back = 返回干部名册
console-officials-none = 还没有干部。请从 Excel 或 CSV 导入干部名册。
console-officials-no-team = 未分班子
console-official-active = 在任
console-official-inactive = (已离任)
console-official-saved = 已保存“{ $name }”。
console-roster-import-link = 从 Excel 或 CSV 导入干部名册
console-roster-import-heading = 导入干部名册
console-roster-import-intro = 每行一名干部,第一行是列名,列的顺序不限。上传后先显示预览,标出每个有问题的行和单元格;确认后才保存,要么全部保存,要么一个都不保存。同一单位中同名的干部会更新,不会重复添加。
console-roster-col-name = 姓名
console-roster-col-name-what = 必填,不超过 100 个字
console-roster-col-post = 职务
console-roster-col-post-what = 必填,如“镇长”
console-roster-col-unit = 单位
console-roster-col-unit-what = 必填,单位名称(重名时写路径,如“东山镇/新村”)
console-roster-col-team = 班子
console-roster-col-team-what = 所在领导班子,可不填
console-roster-col-order = 排序
console-roster-col-order-what = 整数,测评票按此顺序列出干部;可不填
console-roster-preview-heading = 干部名册预览
console-roster-preview-summary = 确认后将新增 { $created } 名干部,更新 { $updated } 名,{ $unchanged } 名不变。
console-roster-row-create = 新增
console-roster-row-update = 已有,更新
console-roster-row-unchanged = 已有,不变
console-roster-imported = 干部名册已导入:新增 { $created } 名,更新 { $updated } 名,{ $unchanged } 名不变。
