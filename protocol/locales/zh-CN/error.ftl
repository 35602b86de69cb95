# 每个错误码的默认说明(error-<code>),以及服务器和客户端共用的错误说明。说明里用读者认得的名称指出字段。

error-unrecognised = 服务器报告了本版本不认识的错误。
error-malformed-json = 请求内容不是格式正确的 JSON。
error-invalid-type = “{ $field }”的类型不对。
error-unknown-field = 此请求没有“{ $field }”这一项。
error-missing-field = 缺少“{ $field }”。
error-invalid-value = “{ $field }”的值不可接受。
error-duplicate-key = 同一项出现了两次,每项只能填一次。
error-unstorable-text = 文字里有无法保存的空字符(U+0000),请删去后再提交。
error-payload-too-large = 请求内容超出了允许的大小。
error-unsupported-media-type = 请以 JSON 格式发送(Content-Type: application/json)。
error-invalid-id = 编号无效。
error-invalid-query = 无法理解查询参数。
error-route-not-found = 没有这个地址。
error-method-not-allowed = 此地址不接受这种请求方式。
error-unauthenticated = 请先登录。
error-invalid-credentials = 用户名或密码错误。
error-too-many-attempts = 登录失败次数过多,请稍后再试。
error-invalid-token = 登录凭证无效,请重新登录。
error-token-expired = 登录已过期,请重新登录。
error-token-revoked = 此设备已被注销,请重新登录。
error-account-disabled = 此账号已停用,请联系管理员。
error-forbidden = 您的账号角色无权进行此操作。
error-out-of-scope = 这不在您的账号负责的单位范围内。
error-not-found = 找不到该对象。
error-username-taken = 该用户名已被使用。
error-invalid-parent = 这类单位不能放在该上级单位之下。
error-unit-in-use = 该单位仍在使用中,不能删除。
error-conflict = 与已有的对象冲突。
error-internal-error = 服务器处理此请求时出错,错误已记录。
error-service-unavailable = 服务器暂时无法连接数据库,请稍后再试。
error-invalid-definition = 定义有误。
error-survey-not-open = 此问卷尚未开放。
error-survey-closed = 此问卷已结束。
error-survey-code-required = 本问卷每户限答一份：请输入门牌卡或答题条上的答题码。
error-survey-code-invalid = 此答题码不属于本问卷或本单位，请核对后重新输入。
error-survey-code-used = 此答题码已答过一份问卷，不能再用。
error-survey-codes-off = 本问卷未设为凭答题码作答；须在首次发布前设置，才能生成答题码。
error-survey-codes-village = 村（社区）不在本问卷的调查范围内。
error-survey-codes-fixed = 问卷发布后，是否凭答题码作答不能再改。
error-version-not-published = 此问卷版本从未发布。
error-wrong-target = 该单位不是本问卷的评价对象。
error-already-published = 发布后不能再更改。
error-nothing-to-publish = 没有可发布的草稿。
error-rate-limited = 您所在的网络提交过于频繁,请稍后再试。
error-round-not-open = 本次测评现在不接受投票。
error-round-state-conflict = 测评当前的状态不允许此操作。
error-ballot-code-unknown = 没有发放过这个测评码。
error-ballot-code-used = 这个测评码已经使用过。
error-ballot-code-other-round = 这个测评码属于另一次测评。
error-tally-sheet-exists = 该投票点的计票单已录入,请改为更正。
error-results-not-published = 结果尚未公布。
error-protocol-unsupported = 客户端版本过旧,请更新。
error-batch-conflict = 同一批次编号已存过不同的内容。
error-batch-refused = 该批次被拒收,其中任何内容都没有保存。
error-batch-size = 批次为空或过大。
error-invalid-day = 日期无效,或是将来的日期。
error-duplicate-id = 编号重复。
error-unknown-scale = 没有这个评分量表。
error-invalid-show-if = 跳题规则必须指向前面的题目及其可取的值。
error-invalid-limits = 限制条件不可能满足。
error-unknown-question = 本问卷没有这道题。
error-invalid-option = 这不是本题的选项。
error-out-of-range = 数字超出范围。
error-text-too-long = 文字过长。
error-required-answer-missing = 此题必答。
error-hidden-question-answered = 根据前面的回答,此题无需作答,请清空。
error-invalid-answer = 回答与题目不符。
error-round-has-no-subjects = 测评需要有被测评的干部或领导班子。
error-round-has-no-elector-groups = 测评至少需要一个参评人员类别。
error-duplicate-subject = 有干部被重复列出。
error-duplicate-elector-group = 有两个参评人员类别编号相同。
error-duplicate-dimension = 有测评维度被重复列出。
error-duplicate-flag-rule = 有两条预警规则编号相同。
error-invalid-group-weight = 参评人员类别的权重必须是大于 0 的数。
error-unknown-elector-group = 本次测评没有这个参评人员类别。
error-unknown-subject = 本次测评不测评这位干部。
error-grade-not-on-scale = 该等次不属于此评价等次表。
error-dimension-not-in-round = 本次测评不含这一维度。
error-tally-returned-exceeds-issued = 收回票数多于发出票数:该投票点的投票作废。
error-tally-valid-invalid-mismatch = 有效票与废票之和不等于收回票数。
error-tally-subject-sum-mismatch = 各等次票数与弃权票之和不等于有效票数。
error-tally-subject-missing = 计票单缺少本次测评中某位干部的票数。
error-tally-dimension-missing = 计票单缺少某位干部某一维度的票数。
error-tally-exceeds-validity-rule = 某一等次的票数超出了有效票所能容纳的数量。
error-ballot-code-wrong-length = 测评码共 12 位。
error-ballot-code-invalid-character = 测评码中有不会出现在测评码里的字符。
error-ballot-code-check-mismatch = 测评码输入有误,请核对后重新输入。

# 服务器自己的错误说明,按领域分组。说明里提到字段时,尽量用读者认得的名称(干部姓名、单位名称)。

## 找不到的对象

error-no-such-unit = 找不到该单位。
error-no-such-account = 找不到该账号。
error-no-such-device = 找不到该设备。
error-no-such-survey = 找不到该问卷。
error-no-such-survey-version = 该问卷没有这个版本。
error-no-such-round = 找不到这次测评。
error-no-such-official = 找不到这位干部。
error-no-such-page = 没有这个页面。
error-no-route = 没有这个地址:{ $method } { $path }。

## 请求本身

error-body-too-large = 请求内容超过了此地址允许的 { $limit } 字节。
error-body-unreadable = 无法读取请求内容:{ $detail }
error-json-malformed = 请求内容不是有效的 JSON:{ $detail }
error-json-wrong-shape = 请求内容的结构不符合要求:{ $detail }
error-json-invalid-type = “{ $field }”的类型不对:{ $detail }
error-json-duplicate-key = “{ $field }”出现了两次,只能填一次。
error-json-invalid-value = “{ $field }”的值不可接受:{ $detail }
error-invalid-query-detail = 无法理解查询参数:{ $detail }
error-sign-in-first = 请先登录:请求须带上 Authorization: Bearer <令牌>。
error-bearer-token-expected = 请以 Authorization: Bearer <令牌> 的形式发送登录令牌。
error-protocol-version = 本服务器使用同步协议 { $version }(请求头 { $header }),客户端发送的是 { $sent }。请安装与本服务器配套的 canvass 客户端。
error-protocol-sent-none = 无
error-rate-limited-wait = 您所在的网络提交过于频繁,请 { $seconds } 秒后再试。
error-too-many-attempts-wait = 登录失败次数过多,请 { $seconds } 秒后再试。
error-form-action = 表单提交的操作本页面不支持(可用的操作:{ $known })。

## 角色和权限

error-role-may-not = { $role }无权{ $action }。
error-role-admin = 管理员
error-role-organiser = 组织部门
error-role-leader = 领导
error-role-officer = 调查员
error-action-create-units = 新建单位
error-action-change-units = 修改单位
error-action-delete-units = 删除单位
error-action-list-accounts = 查看账号列表
error-action-create-accounts = 新建账号
error-action-change-accounts = 修改账号
error-action-see-other-accounts = 查看他人的账号
error-action-manage-surveys = 管理问卷
error-action-read-survey-results = 查看问卷结果
error-action-manage-officials = 管理干部名册
error-action-manage-rounds = 设置或组织民主测评
error-action-generate-ballot-codes = 生成测评码
error-action-enter-tally-sheets = 录入计票单
error-action-read-tally-sheets = 查看计票单
error-action-read-round-results = 查看测评结果
error-action-collect-in-the-field = 实地收集或上传答卷
error-action-manage-instruments = 管理问卷和民主测评
error-action-read-audit-log = 查看操作日志
error-action-read-rectification = 查看整改台账
error-action-manage-rectification = 管理整改事项
error-action-write-rectification-report = 填写整改报告
error-metrics-refused = 运行指标只提供给本机(回环地址且未经代理)或持有指标令牌的请求。

## 登录和账号

error-current-password-wrong = 当前密码不正确。
error-device-name-empty = 设备名称不能为空。
error-device-name-too-long = 设备名称不能超过 { $max } 个字。
error-display-name-empty = 显示名称不能为空。
error-display-name-too-long = 显示名称最多 { $max } 个字,且不能含控制字符。
error-username-taken-named = 用户名“{ $username }”已被使用。
error-account-own-change = 不能停用自己的账号,也不能修改自己的角色或所属单位,请找其他管理员办理。

## 单位

error-unit-name-empty = 单位名称不能为空。
error-unit-name-too-long = 单位名称最多 { $max } 个字。
error-unit-name-control-characters = 单位名称中有控制字符。
error-unit-own-cannot-move = 不能移动您账号所属的单位。
error-unit-under-itself = 不能把“{ $unit }”移到它自身或它的下级单位(“{ $parent }”)之下。
error-unit-needs-parent = { $kind }必须有上级单位。
error-unit-cannot-stand-under = { $kind }不能设在{ $parent }之下。
error-unit-in-use-named = “{ $unit }”仍有下级单位、账号、干部、调查、测评或答卷与之关联,不能删除;可以将其撤销。
error-unit-kind-county = 县
error-unit-kind-township = 乡镇
error-unit-kind-department = 县直部门
error-unit-kind-village = 村
error-unit-kind-community = 社区

## 满意度测评问卷

error-group-size-range = 最少公布人数须在 { $min } 到 { $max } 之间。
error-survey-closes-before-opening = 问卷的结束时间须晚于开始时间。
error-time-implausible = 时间无效(应为自 1970 年起的秒数)。
error-survey-no-targets = 问卷至少要有一个评价对象。
error-survey-too-many-targets = 一份问卷最多评价 { $max } 个单位。
error-survey-target-twice = “{ $unit }”被重复列为评价对象。
error-target-outside-owner = “{ $unit }”不在问卷所属单位“{ $owner }”的管辖范围内。
error-survey-owner-missing = 请指定问卷所属的单位。
error-survey-targets-fixed = 已经收到答卷,评价对象不能再改。
error-survey-group-size-fixed = 最少公布人数在问卷发布时已经确定,不能再改。
error-survey-no-draft = 没有待发布的草稿,请先修改问卷内容。
error-survey-publish-without-targets = 问卷发布前至少要有一个评价对象。
error-survey-publish-first = 请先发布问卷。
error-respondent-unit-invalid = 这不是本问卷范围内的村或社区。

## 民主测评、测评码和计票单

error-text-length = 请填写 1 到 { $max } 个字,不能含控制字符。
error-round-group-size-minimum = 最少公布人数不能少于 { $min }。
error-official-not-on-roster = 干部名册中没有“{ $name }”,请先添加这位干部。
error-official-outside-owner = “{ $name }”所在单位不在本次测评所属单位“{ $owner }”的范围内。
error-round-owner-missing = 请指定本次测评所属的单位。
error-round-changed-after-draft = 测评只能在草稿状态下修改。
error-round-official-unknown = 所选干部不在干部名册中,请从名单中选择。
error-round-series-unknown = 请从列表中选择测评系列,或选择“新建系列”并填写名称。
error-round-dimension-unknown = 测评维度只能从德、能、勤、绩、廉中选择。
error-round-flags-unknown = 请从列出的预警规则中选择一种。
error-round-quota = 优秀名额应为 1 到 { $max } 之间的整数({ $max } 是本次测评的干部人数)。
error-round-quota-no-officials = 本次测评没有被测评的干部,不能设优秀名额。
error-round-group-has-codes = 已为参评人员类别“{ $group }”({ $id })生成测评码,不能把它从本次测评中删除。
error-round-cannot-become = 测评不能从“{ $from }”变为“{ $to }”。
error-round-status-draft = 草稿
error-round-status-open = 投票中
error-round-status-closed = 已结束投票
error-round-status-published = 已公布
error-codes-before-or-during = 测评码只能在会前或会议期间生成。
error-no-such-elector-group = 本次测评没有参评人员类别“{ $group }”。
error-codes-count = 每次可生成 1 到 { $max } 个测评码。
error-code-other-elector-group = 该测评码属于另一个参评人员类别。
error-sheets-while-open-or-closed = 计票单须在投票期间或结束投票后、公布结果前录入。
error-sheet-entered-already = “{ $station }”的计票单已经录入,如需修改请提交更正。
error-sheet-entered-meanwhile = “{ $station }”的计票单刚刚已由他人录入。
error-no-sheet-for-station = “{ $station }”还没有录入计票单,无法更正。

## 实地收集同步

error-collection-day = 收集日期须为 YYYY-MM-DD 格式,且不能晚于今天。
error-batch-id-format = 批次编号须为 32 位小写十六进制字符。
error-batch-id-reused = 此批次编号已用于内容不同的批次,批次编号不能重复使用。
error-batch-size-count = 每个批次须有 1 到 { $max } 项,此批次有 { $count } 项。
error-batch-items-invalid = 此批次有 { $items } 项有误,整个批次都没有保存。
error-batch-station-twice = 此批次中“{ $station }”有两张计票单。

## 组织部控制台:单位撤销、临时密码、干部名册

error-unit-retired = “{ $unit }”已撤销,不能在其下添加单位或干部。
error-unit-retired-target = “{ $unit }”已撤销,不能作为测评对象。
error-unit-own-cannot-retire = 不能撤销您账号所属的单位。
error-unit-retire-children-first = “{ $unit }”下还有 { $count } 个未撤销的单位,请先撤销它们。
error-unit-import-root-out-of-scope = 只有全县范围的管理员才能添加县级单位。
error-unit-import-nothing = 文件中没有要导入的行。
error-account-role-above-own = 您不能创建或设置比自己权限更高的角色(“{ $role }”)。
error-account-must-change-password = 请先修改临时密码。
error-official-import-nothing = 文件中没有要导入的干部。
error-password-repeat-differs = 两次输入的新密码不一致。
error-official-order = 排序须为 0 到 { $max } 之间的整数。

## Submission keys

error-submission-key = 提交密钥由16至64个字符组成,每个字符为字母、数字、“_”或“-”。

## 整改

error-survey-not-closed = 问卷关闭后才能公布结果。
error-results-already-published = 该问卷的结果已经公布。
error-rectification-closed = 该整改事项已验收销号，不能再添加内容。
error-rectification-awaiting-review = 该事项的整改报告正等待组织部审核；退回后才能重新提交。
error-rectification-not-reported = 该事项没有等待验收或退回的整改报告。
error-rectification-exists = { $unit }在本次问卷或测评中已有整改事项。
error-attachment-type = 附件必须是 PDF、JPEG、PNG、XLSX 或 DOCX 文件。
error-attachment-type-of = “{ $file }”不是 PDF、JPEG、PNG、XLSX 或 DOCX 文件。
error-attachment-too-large = “{ $file }”超过 { $limit } MB。
error-attachment-too-many = 一份整改报告最多附 { $max } 个文件。
error-attachment-unreadable = 无法读取“{ $file }”（内容不是 base64）。
error-attachment-empty = “{ $file }”是空文件。
error-no-such-rectification-item = 找不到该整改事项。
error-no-such-attachment = 找不到该附件。
error-rectification-not-own-unit = 只有{ $unit }的领导账号可以填写其整改报告。
error-rectification-text-too-long = “{ $field }”最多 { $max } 个字。
error-due-date-invalid = 整改期限须按 YYYY-MM-DD 填写。
error-due-date-past = 整改期限 { $day } 已经过去。
error-rectification-source = 请指定一个问卷和单位，或一次测评和一名干部。
error-rectification-not-target = { $unit }不是该问卷的测评对象。
error-rectification-survey-open = 问卷关闭后才能添加整改事项。
error-rectification-round-unpublished = 测评结果公布后才能添加整改事项。
error-rectification-not-flagged = { $official }在本次测评中没有预警。
error-invalid-filter = 筛选条件不接受“{ $value }”。
error-attachment-too-many-bytes = 一份整改报告最多附 { $max } 个文件，每个不超过 { $mb } MB。
error-unit-population = 人口须为 0 至 { $max } 之间的整数。
