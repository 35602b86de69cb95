# 操作日志的用语：控制台中的日志页面、日志导出，以及打印页面上的链头。

## 页面

audit-heading = 操作日志
audit-nav = 操作日志
audit-intro = 本单位及下属单位的组织人员和管理员做过的操作，最新的在前：谁、做了什么、对象是什么、何时。日志从不记录任何答卷、选票或票码。
audit-chain-holds = 日志完好：全部 { $entries } 条记录均已核验，每条都指向前一条。链头：{ $head }
audit-chain-broken = 日志被改动过：第 { $entry } 条记录不符（{ $why }）。第 1 至 { $verified } 条完好。
audit-filter-action = 操作
audit-filter-any-action = 全部操作
audit-filter-actor = 账号
audit-filter-from = 起始日期（YYYY-MM-DD）
audit-filter-to = 截止日期（YYYY-MM-DD）
audit-filter-page = 页码
audit-filter-button = 筛选
audit-filter-clear = 显示全部
audit-export = 导出这些记录（CSV）
audit-none = 没有符合条件的记录。
audit-pages = 第 { $page } 页，共 { $pages } 页（{ $total } 条记录）
audit-newer = 较新的记录
audit-older = 较早的记录

## 页面和导出中的列

audit-column-entry = 序号
audit-column-time = 时间
audit-column-actor = 账号
audit-column-what = 操作
audit-column-object-kind = 对象类别
audit-column-object = 对象
audit-column-details = 详情
audit-column-hash = 记录哈希
audit-export-name = 操作日志

## 筛选条件的问题

audit-error-action = 请从列表中选择一种操作。
audit-error-actor = 账号名最多 { $max } 个字符。
audit-error-day = 日期请写成 YYYY-MM-DD，例如 2026-12-07。
audit-error-days-order = 截止日期不能早于起始日期。
audit-error-page = 页码须为从 1 开始的整数。

## 做了什么

audit-action-sign-in = 登录
audit-action-unit-create = 新建单位
audit-action-unit-update = 修改单位
audit-action-unit-delete = 删除单位
audit-action-unit-import = 导入单位名单
audit-action-account-create = 新建账号
audit-action-account-update = 修改账号
audit-action-account-reset-password = 重置密码
audit-action-account-change-password = 修改本人密码
audit-action-device-revoke = 吊销设备
audit-action-official-create = 新增干部
audit-action-official-update = 修改干部信息
audit-action-official-import = 导入干部名册
audit-action-survey-create = 新建测评问卷
audit-action-survey-update = 修改测评问卷
audit-action-survey-publish = 发布问卷版本
audit-action-survey-open = 开放问卷
audit-action-survey-close = 关闭问卷
audit-action-survey-publish-results = 公布问卷结果
audit-action-rectification-create = 添加整改事项
audit-action-rectification-set-due = 设定整改期限
audit-action-rectification-report = 提交整改报告
audit-action-rectification-return = 退回整改报告
audit-action-rectification-accept = 验收整改报告
audit-action-rectification-export = 导出整改台账
audit-action-survey-print-questionnaire = 打印纸质问卷
audit-action-survey-export-answers = 导出问卷答卷
audit-action-survey-export-results = 导出问卷结果
audit-action-round-create = 新建民主测评
audit-action-round-update = 修改民主测评
audit-action-round-draft = 将测评退回草稿
audit-action-round-open = 开始投票
audit-action-round-closed = 结束投票
audit-action-round-published = 公布测评结果
audit-action-round-set-stations = 设定应交计票单的投票点数
audit-action-round-print-ballot = 打印测评票
audit-action-round-print-tally-sheet = 打印空白计票单
audit-action-round-export-results = 导出测评结果
audit-action-ballot-codes-generate = 生成票码
audit-action-survey-codes-generate = 生成答题码
audit-action-survey-codes-print-slips = 打印答题码条
audit-action-tally-sheet-enter = 录入计票单
audit-action-tally-sheet-correct = 更正计票单
audit-action-audit-export = 导出操作日志

## 对象

audit-object-unit = 单位
audit-object-units = 单位
audit-object-account = 账号
audit-object-official = 干部
audit-object-officials = 干部
audit-object-round = 民主测评
audit-object-survey = 问卷
audit-object-rectification = 整改事项
audit-object-how-many = 共 { $count } 个
audit-object-number = 第 { $id } 号（已不存在）
audit-detail-version = 第 { $value } 版
audit-detail-group = 投票人类别 { $value }
audit-detail-count = { $value } 个票码
audit-detail-station = 投票点 { $value }
audit-detail-stations = { $value } 个投票点
audit-detail-device = 设备 { $value }
audit-detail-survey-codes = { $value } 个答题码
audit-detail-unit = 被测评单位 { $value }
audit-detail-village = 村(社区) { $value }
audit-list-separator = ，

## 打印页面和导出

audit-chain-head = 操作日志：第 { $entry } 条，链头 { $head }
