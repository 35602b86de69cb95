# Words of the public pages: the survey form, the ballot page, thanks and refusals.

page-refused-heading = 无法处理该请求
## Signing in to the dashboards, and dashboard requests refused

page-sign-in-title = 登录
page-sign-in-heading = 登录看板
page-sign-in-note = 供领导、组织部门和管理员使用。调查员请使用 canvass 客户端。
page-sign-in-username = 用户名
page-sign-in-password = 密码
page-sign-in-submit = 登录
page-sign-in-refused = 请求被拒绝。
page-sign-in-officer = 调查员使用 canvass 客户端,没有看板。
page-sign-in-wrong = 用户名或密码错误。
page-sign-in-disabled = 此账号已停用。
page-try-later = 请稍后再试。
page-refused-back = 返回首页
page-refused-csrf-heading = 请求被拒绝
page-refused-csrf = 表单已过期或不是从本站提交的。请返回页面刷新后重试。
page-refused-officer-heading = 没有看板
page-refused-officer = 调查员使用 canvass 客户端收集和上传答卷,没有看板。
page-refused-scope-heading = 无权查看
page-refused-scope = 该页面属于您管辖范围以外的单位。
page-refused-role-heading = 无权操作
page-refused-role = 您的角色不能查看或进行此操作。
page-refused-unpublished-heading = 结果尚未公布
page-refused-unpublished = 组织部门公布结果后才能查看。
page-refused-not-found-heading = 没有找到
page-refused-not-found = 没有这个页面,或它已被删除。
page-refused-fault-heading = 出错了
page-refused-other-heading = 无法完成

## The public survey form

page-fault-heading = 出错了
page-form-anonymous = 本问卷匿名填写:不记录您的姓名、电话、IP地址或设备。结果只以不少于{ $size }人的汇总形式公布。
page-form-target = 评价对象
page-form-village = 您居住的村(社区)
page-form-optional = 可不填
page-form-village-label = 村(社区)
page-form-survey-code = 答题码
page-form-survey-code-hint = 门牌卡或答题条上的答题码，每户限答一份。答题码只能用一次，与您的回答没有任何关联。
page-form-village-none = 不填写
page-form-required = 必答
page-form-required-note = 带 * 的为必答题。
page-form-submit = 提交
page-form-condition = 仅当第{ $position }题回答{ $values }时作答,否则请跳过。
page-form-condition-value = “{ $value }”
page-form-condition-or = 或
page-form-choose-target = 请选择评价对象。
page-form-choose-village = 请从列表中选择。
page-form-summary = 有{ $count }处需要修改,请查看标红的题目。您已填写的内容都保留着。
page-form-too-long-heading = 提交内容过长
page-form-too-long = 提交的内容超出了允许的长度。
page-form-rate-limited-heading = 请稍后再试
page-form-rate-limited = 您所在的网络提交过于频繁,请一分钟后再提交。您填写的内容未被保存,请返回上一页。
page-form-thanks-heading = 提交成功,谢谢您!
page-form-thanks = 您的回答已匿名保存。任何人(包括系统管理员)都无法知道您是谁、回答了什么。
page-form-not-found-heading = 找不到问卷
page-form-check-link = 请检查链接是否完整。
page-form-not-open-yet-heading = 问卷尚未开放
page-form-not-open-yet = 链接没有问题,但这份问卷还没有开始接受回答。请在开放后再来填写。
page-form-closed-heading = 问卷已结束
page-form-closed = 这份问卷已经不再接受回答。感谢您的关注。
page-form-code = 代码:{ $code }

## The ballot page

page-ballot-anonymous = 本次测评匿名进行:测评码与您的身份无关,系统不记录投票时间、IP地址或设备,任何人(包括系统管理员)都无法知道您投了什么票。每个测评码只能投一次。
page-ballot-enter-code = 请输入测评码
page-ballot-code-label = 测评码
page-ballot-next = 下一步
page-ballot-code-used = 这个测评码已经投过票了,不能再次使用。
page-ballot-code-unknown = 没有这个测评码,请核对后重新输入。
page-ballot-code-typo = 测评码有一位输错了,请仔细核对后重新输入。
page-ballot-code-length = 测评码应为12位(不含短横线),请核对。
page-ballot-code-character = 测评码中有不会出现的字符(测评码不含 0、O、1、I),请核对。
page-ballot-code-other-round = 这个测评码属于另一次测评,不能在这里使用。
page-ballot-not-open = 本次测评目前不在投票时间内。
page-ballot-code-fault = 出错了,请稍后再试。
page-ballot-quota = 每张票最多评{ $max }个“{ $grade }”,超过则整张票为废票。
page-ballot-you-vote-as = 您的投票类别
page-ballot-team = 领导班子
page-ballot-abstain = 弃权
page-ballot-vote = 投票(提交后不能修改)
page-ballot-preview = 预览:
page-ballot-preview-what = 这是参评人员输入测评码后看到的测评票。这里不能投票,也不用测评码。
page-ballot-preview-groups = 各类参评人员看到的测评票:
page-ballot-preview-back = 返回
page-ballot-not-found-heading = 找不到这次测评
page-ballot-done-heading = 投票成功,谢谢您!
page-ballot-done = 您的选票已匿名保存,测评码已失效。
page-ballot-fault = 服务器暂时无法保存选票,请稍后再试。如果测评码已失效,说明选票已经保存。
page-ballot-unreadable = 有一项评价无法识别,请重新选择后再投票。测评码尚未使用。
page-ballot-refused = 选票有误,测评码尚未使用,请检查后重新投票:
page-ballot-rate-limited = 您所在的网络提交过于频繁,请一分钟后再试。
