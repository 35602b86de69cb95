# canvass 命令行客户端的用语。面向驻村干部和组织部工作人员，用平实的中文；命令名（`canvass push`）照原样书写。

## 错误及处理建议

cli-error-not-signed-in = 这台电脑还没有登录。请先运行 `canvass login --server 地址 --username 用户名`。
cli-error-terminal = 无法读写终端：{ $reason }
cli-error-file = 无法{ $action } { $path }：{ $reason }。请检查该目录是否存在、是否属于您。
cli-file-create = 创建
cli-file-inspect = 查看
cli-file-restrict = 收紧权限
cli-file-read = 读取
cli-file-write = 写入
cli-file-replace = 替换
cli-file-flush = 写入磁盘
cli-file-remove = 删除
cli-error-bad-server-url = 服务器地址“{ $url }”不是有效的 http:// 或 https:// 地址，请写成 https://canvass.example.gov.cn 或 http://192.168.1.10:8080 这样的形式。
cli-error-unreachable = 连不上服务器 { $url }：{ $reason }。请检查网络和地址，然后再试。
cli-error-server-said = 服务器答复：{ $message } [{ $code }, HTTP { $status }]
cli-error-unexpected = 服务器返回了 HTTP { $status }，内容不是 canvass 接口的答复（{ $body }）。请确认地址指向的是 canvass 服务器。
cli-wait-a-while = 几分钟
cli-wait-seconds = { $seconds } 秒
cli-wait-minutes = { $minutes } 分钟
cli-advice-invalid-credentials = 请核对用户名和密码后再试（服务器不会说明是哪一项错了）。
cli-advice-too-many-attempts = 这个账号或这台电脑登录失败次数太多。请等 { $wait }后再试。
cli-advice-rate-limited = 服务器暂时拒绝来自这个网络的请求。请等 { $wait }后再试。
cli-advice-unauthenticated = 请先运行 `canvass login` 登录。
cli-advice-invalid-token = 服务器不认这台电脑的登录凭证（服务器的签名密钥可能换了，或凭证已损坏）。请重新运行 `canvass login`。
cli-advice-token-expired = 这台设备的登录已过期。请重新运行 `canvass login`。
cli-advice-token-revoked = 这台设备已被注销登录：可能是运行了 `canvass logout`、管理员注销了它，或账号改了密码。请重新运行 `canvass login`。
cli-advice-account-disabled = 您的账号已被停用，服务器拒绝它发送的一切。请联系管理员启用。
cli-advice-forbidden = 您的账号不能对这个单位做这件事：账号角色没有这个权限。请找该单位的组织人员或管理员。
cli-advice-out-of-scope = 您的账号不能对这个单位做这件事：它不在您账号负责的单位范围内。请核对单位或问卷编号，或请上级单位的账号办理。
cli-advice-not-found = 请核对编号：`canvass survey list` 和 `canvass round list` 列出您的账号能看到的问卷和测评。
cli-advice-upgrade-server = 服务器没有这项功能，可能运行的是旧版 canvass。请管理员升级服务器。
cli-advice-service-unavailable = 请过几分钟再试；如果一直这样，请告诉管理员。
cli-advice-internal-error = 请再试一次；如果一直失败，请告诉管理员（原因记在服务器日志里）。
cli-advice-protocol-unsupported = 这个 canvass 客户端和服务器的数据同步协议版本不同。请升级这台电脑上的 canvass；已收集的内容不会丢失，仍在本机排队。
cli-advice-batch-conflict = 这种情况本不该发生；本机没有做任何改动。请停下来告诉管理员。
cli-advice-client-defect = 请升级 canvass，或告诉管理员。
cli-advice-invalid-definition = 请改正列出的每个问题后再试。
cli-advice-round-state = `canvass round list` 列出每轮测评的状态；顺序是开始 → 结束 → 公布，详见 docs/cli.md。
cli-advice-survey-state = `canvass survey list` 列出每个问卷的状态和版本。
cli-error-no-config-dir = 不知道登录信息该存在哪里：这台电脑没有配置目录。请把 CANVASS_CONFIG_DIR 设为一个只有您能访问的目录，然后再试。
cli-error-credentials-damaged = 登录信息文件 { $path } 已损坏（{ $reason }）。请运行 `canvass logout` 删除它，再运行 `canvass login`。
cli-error-no-data-dir = 不知道收集的答卷该存在哪里：这台电脑没有数据目录。请把 CANVASS_DATA_DIR 设为一个只有您能访问的目录，然后再试。
cli-error-store-unusable = 本机数据库 { $path } 无法使用：{ $reason }。如果另一个 `canvass` 命令正在运行，请等它结束；如果磁盘满了，请腾出空间。
cli-error-store-too-new = 本机数据库 { $path } 是更新版本的 canvass 写的（结构版本 { $found }）。请升级这台电脑上的 canvass。
cli-error-store-damaged = 本机数据库 { $path } 中有损坏的数据（{ $reason }）。

## 本机缓存的问卷

cli-error-no-forms = 这台电脑上还没有缓存问卷。请在有网络时运行 `canvass pull`，然后再试。
cli-error-no-such-survey = 本机缓存的问卷中没有“{ $reference }”（已缓存：{ $known }）。请运行 `canvass pull` 获取最新问卷，或核对编号或链接代码。
cli-error-no-such-survey-none = 本机缓存的问卷中没有“{ $reference }”（您负责的单位目前没有开放的问卷）。请运行 `canvass pull` 获取最新问卷，或核对编号或链接代码。
cli-error-no-version = 本机缓存中问卷 { $survey } 没有已发布的版本。请运行 `canvass pull`。
cli-error-no-such-unit = “{ $reference }”不在可选范围内：{ $known }。
cli-error-no-such-round = 本机缓存的测评中没有“{ $reference }”（已缓存：{ $known }）。请运行 `canvass pull` 获取最新内容，或核对测评编号。
cli-error-no-such-round-none = 本机缓存的测评中没有“{ $reference }”（您负责的单位目前没有进行中的测评）。请运行 `canvass pull` 获取最新内容，或核对测评编号。
cli-instrument-survey = 问卷 { $id } { $name }
cli-instrument-round = 测评 { $id } { $name }
cli-unit-by-id = 单位 { $id }
cli-channel-field = 当面询问
cli-channel-paper = 纸质问卷
cli-item-response = { $target }，{ $day } { $how }，问卷第 { $version } 版
cli-item-response-village = { $target }，受访者来自{ $village }，{ $day } { $how }，问卷第 { $version } 版
cli-item-sheet = 会场“{ $station }”，组别 { $group }：发出 { $issued }，收回 { $returned }，有效 { $valid }，废票 { $invalid }
cli-item-sheet-void = （本会场作废）

## 服务器退回某份内容的原因，以及怎么办

cli-item-survey-closed = 服务器上这个问卷已经结束，这些答卷不能再计入。请询问组织人员，或删除它们（`canvass discard 编号`）。
cli-item-survey-not-open = 服务器上这个问卷没有开放（还没开始，或不在答卷时间内）。请组织人员开放后再运行 `canvass push`；或删除这份内容。
cli-item-version-not-published = 这些答卷所用的问卷版本已不再接受（已被撤回）。请运行 `canvass pull`，再用 `canvass fix 编号` 按当前版本重新作答；或删除这份内容。
cli-item-wrong-target = 被评价的单位不是（或不再是）这个问卷的测评对象。请运行 `canvass pull`，再用 `canvass fix 编号` 从列表中选择测评对象。
cli-item-not-found = 服务器上已没有这个问卷、测评或单位。请询问组织人员；如果是有意删除的，请删除这份内容。
cli-item-out-of-scope = 您的账号不能为这个问卷、测评或单位提交（不在您账号负责的单位范围内）。请询问组织人员；如果这份内容属于别人负责的单位，请用那个账号登录，或删除它。
cli-item-round-not-open = 这轮测评现在不接收计票单（还是草稿，或结果已公布）。请询问组织人员，或删除这张计票单。
cli-item-tally-sheet-exists = 服务器上已有这个会场、这个组别的计票单。更正由组织人员在服务器上进行，留有记录；如果这是重复的一份，请删除它。
cli-item-invalid-day = 服务器不接受这个收集日期（不是真实日期，或是将来的日子）。请运行 `canvass fix 编号` 填写正确的日期。
cli-item-answers-do-not-fit = 有答案与服务器上的问卷对不上（问卷可能在收集后改过）。请运行 `canvass pull`，再用 `canvass fix 编号` 改正答案。
cli-item-sheet-does-not-fit = 这张计票单与服务器上的测评对不上（测评可能改过）。请运行 `canvass pull`，再用 `canvass fix 编号` 重新录入。
cli-item-counts-do-not-add-up = 计票单上的票数对不上。请核对纸质计票单，再运行 `canvass fix 编号` 改正票数。
cli-item-too-large = 这份内容太大，无法上传。请运行 `canvass fix 编号` 缩短其中的文字，或删除它。
cli-item-unreadable = 服务器读不懂这份内容。请运行 `canvass fix 编号` 重新录入；如果仍不行，请升级 canvass 或告诉管理员。
cli-item-refused = 服务器退回了这份内容。请看下面服务器给出的原因，然后改正（`canvass fix 编号`）或删除它。

## canvass status

cli-status-store = 本机数据库：{ $path }
cli-status-server = 服务器：{ $server }；问卷获取于 { $pulled }（最近核对 { $checked }）：{ $surveys } 个问卷，{ $rounds } 轮测评。
cli-status-server-no-forms = 服务器：{ $server }；本机没有缓存问卷。
cli-status-no-pull = 还没有获取问卷：请运行 `canvass pull`。
cli-status-nothing = 还没有收集任何内容。
cli-status-col-instrument = 问卷/测评
cli-status-col-queued = 待上传
cli-status-col-batched = 发送中
cli-status-col-attention = 待处理
cli-status-col-sent = 已上传
cli-status-col-discarded = 已删除
cli-status-sent-kept = { $sent }（本机保留 { $kept }）
cli-status-pending-batch = 有一批 { $items } 份内容（批次 { $id }）已发出，但还没收到服务器回执；`canvass push` 会先把它原样重发。
cli-status-to-push = 有 { $items } 份内容待上传：有网络时请运行 `canvass push`。
cli-status-attention = 待处理（{ $items } 份）：服务器退回了这些内容。用 `canvass fix 编号` 改正，或用 `canvass discard 编号` 删除。
cli-status-item = { "  " }编号 { $id }：{ $instrument }，{ $what }
cli-status-server-said = 服务器：{ $message }
cli-status-server-said-field = 服务器：{ $message }（{ $field }）

## canvass fix 和 canvass discard

cli-error-no-such-item = 这台电脑上没有编号为 { $id } 的内容。`canvass status` 会列出待处理的内容。
cli-error-no-such-item-listed = 这台电脑上没有编号为 { $id } 的内容。待处理的编号有：{ $known }。
cli-item-state-queued = 正在排队等待上传
cli-item-state-batched = 在一个正在发送的批次里
cli-item-state-sent = 已被服务器收下
cli-item-state-attention = 已被退回
cli-error-fix-not-refused = 编号 { $id } 不需要处理（它{ $state }）；只有被退回的内容才需要改正。
cli-fix-intro = 正在改正：
cli-error-discard-batched = 编号 { $id } 在一个已发出、还没收到答复的批次里，现在不能删除（服务器可能已经收下）。请先运行 `canvass push`。
cli-discard-what-refused = 这是被退回的内容，服务器从未收下
cli-discard-what-queued = 还没有上传，删除后答卷就没有了
cli-discard-what-sent = 服务器已经收下，只删除本机的副本
cli-discard-ask = 删除编号 { $id }（{ $instrument }，{ $what }）：{ $consequence }。删除后无法恢复。确定删除吗？[y/N]
cli-discard-help = { "  " }输入 y 并回车，就从这台电脑上删除；输入其他内容则保留。
cli-error-discard-changed = 询问期间编号 { $id } 被改动了（另一个 canvass 命令正在运行）；没有删除任何内容。
cli-fix-queued = 编号 { $id } 已改正，重新排队；请运行 `canvass push`。
cli-fix-stopped = 编号 { $id } 没有改动，仍待处理。
cli-discard-done = 编号 { $id } 已删除。
cli-discard-kept = 编号 { $id } 已保留。

## 命令行

cli-error-lang = canvass 不支持语言“{ $lang }”：请用 zh 或 en
cli-error-batch-items = --batch-items“{ $given }”：每批可以有 1 到 { $max } 份。
cli-error-flag-value = { $flag }：{ $problem }
cli-separator = 、

## 逐题询问（canvass collect、canvass fix）

cli-interview-pick-number = 请输入 1 到 { $max } 之间的编号，或选项代码。
cli-interview-problems = 这份答卷还有问题：
cli-interview-first = 已经是第一题。
cli-interview-required = （必答）
cli-interview-optional = （选答，回车跳过）
cli-interview-hint = { "    " }（{ $hint }）
cli-interview-hint-several = 可多选，用逗号分隔编号
cli-interview-hint-at-most = ，最多 { $max } 项
cli-interview-hint-at-least = ，至少 { $min } 项
cli-interview-hint-number = 数字
cli-interview-hint-low = ，0 = { $label }
cli-interview-hint-high = ，10 = { $label }
cli-interview-hint-long-text = 一行文字；需要换行时写 \n
cli-interview-current = { "    " }当前答案：{ $answer }（回车保留，{ $clear } 清除）
cli-interview-help = { "  " }输入编号或选项代码作答；{ $back } 返回上一题；{ $clear } 不作答或清除答案；{ $quit } 退出（没答完的答卷不保存）；以 \ 开头表示照原样输入这些符号。

## canvass collect

cli-collect-intro = { $title }（第 { $version } 版）。每份答卷填完后立即保存在本机。输入 ? 查看操作说明。
cli-collect-not-accepting = 注意：服务器上这个问卷现在不接受答卷（不在答卷时间内），上传时可能被退回。
cli-collect-respondent = === 第 { $number } 位受访者 ===
cli-collect-ask-target = 测评对象（被评价的单位）：
cli-collect-ask-village = 受访者所在的村（社区）：
cli-collect-unit-current = { "    " }当前：{ $unit }（回车保留）
cli-collect-unit-skip = { "    " }（回车跳过）
cli-collect-unit-type = { "  " }! 请输入编号或单位名称。
cli-collect-unit-help = { "  " }输入列表中的编号、方括号里的单位代码或单位全称；{ $quit } 退出。
cli-collect-unit-help-optional = { "  " }输入列表中的编号、方括号里的单位代码或单位全称；回车或 - 表示不填；{ $quit } 退出。
cli-collect-saved = 已保存（编号 { $id }）。
cli-collect-unfinished = 没答完的答卷没有保存。
cli-collect-done = 本次共保存 { $count } 份答卷。有网络时请运行 `canvass push` 上传。
cli-error-check-flag = { $problem }请检查 { $flag }。
cli-error-fix-survey-gone = 本机缓存的问卷中没有问卷 { $survey }（它已不再对您负责的单位开放）。请运行 `canvass pull`；如果仍然没有，这些答卷只能删除：`canvass discard { $id }`。
cli-fix-current-version = 这份答卷将按当前第 { $version } 版问卷重新填写。
cli-fix-ask-day = 收集日期（YYYY-MM-DD，回车为今天 { $today }）：
cli-fix-bad-day = { "  " }! 日期请写成 YYYY-MM-DD，且不能是将来的日子。
cli-fix-day-help = { "  " }填写收集答卷的日期，格式为 YYYY-MM-DD（如 2026-11-20）；回车表示今天；{ $quit } 退出，不改动这份内容。
cli-error-fix-changed = 编号 { $id } 已不需要处理（另一个 canvass 命令改动了它）；没有做任何改动。

## canvass tally

cli-tally-valid-invalid = 有效票（{ $valid }）加废票（{ $invalid }）应等于收回票数（{ $returned }）。请重新输入有效票和废票。
cli-tally-subject-dimension = { $subject }（{ $dimension }）
cli-tally-sum = { $subject }：各等次票数加弃权共 { $sum }，但有效票是 { $valid }。请重新输入这一项。
cli-tally-issued = 发出票数
cli-tally-returned = 收回票数
cli-tally-valid = 有效票数
cli-tally-invalid = 废票数
cli-tally-abstentions = 弃权
cli-tally-void = 收回 { $returned } 张，多于发出的 { $issued } 张：本会场投票作废，须重新组织投票。这张计票单仍会记为“作废”，让组织人员看到。
cli-tally-check-failed = 计票单核对不通过：
cli-tally-keep = [当前 { $value }，回车保留]
cli-tally-prompt = { $position } { $label }{ $keep }：
cli-tally-first = 已经是第一项。
cli-tally-help = { "  " }照纸质计票单输入票数（整数，没有就填 0）；{ $back } 返回上一项；{ $quit } 退出，不保存。
cli-tally-whole-number = { "  " }! 请输入不小于 0 的整数。
cli-tally-every-count = { "  " }! 每一项都要填，没有就填 0。
cli-error-round-unusable = 本机缓存的测评 { $round } 无法使用（{ $problems }）。请运行 `canvass pull`。
cli-error-tally-duplicate = 会场“{ $station }”、组别“{ $group }”的计票单已经在本机录入过（编号 { $id }）。每张计票单只录入一次；需要更正时由组织人员在服务器上更正。
cli-tally-ask-group = 选民组别：
cli-tally-no-such-group = { "  " }! “{ $group }”不是这轮测评的组别：{ $known }。
cli-tally-group-help = { "  " }输入列表中的编号、方括号里的组别代码或组别名称；{ $quit } 退出。
cli-tally-type-group = { "  " }! 请输入编号或组别代码。
cli-error-no-such-group = “{ $group }”不是这轮测评的选民组别。可用的组别：{ $known }。请检查 --group。
cli-error-no-station = 请用 --station 会场名称 指明投票会场。
cli-tally-intro = { $round } — 会场“{ $station }”。请逐项输入纸质计票单上的票数；输入 ? 查看操作说明。
cli-tally-not-saved = 计票单没有填完，没有保存。
cli-tally-saved = 计票单已保存（编号 { $id }）。
cli-tally-saved-void = 计票单已保存，记为“作废”（编号 { $id }）。
cli-error-read-file = 无法读取 { $path }：{ $reason }。请检查路径。
cli-error-not-utf8 = { $path } 不是 UTF-8 文本。请以 UTF-8 编码保存后再试。
cli-error-not-a-sheet = { $path } 不是计票单（{ $reason }）。格式见 docs/cli.md。
cli-error-sheet-station = --station“{ $given }”与 { $path } 中的会场“{ $station }”不一致。
cli-error-sheet-group = --group“{ $given }”与 { $path } 中的组别“{ $group }”不一致。
cli-error-sheet-problems = { $path } 中的计票单核对不通过，没有保存任何内容：
    { $problems }

## canvass import

cli-import-line = 第 { $line } 行：{ $problem }
cli-import-field = { $field }：{ $problem }
cli-import-header-unreadable = 无法读取表头：{ $reason }
cli-import-no-survey-column = 没有 `survey` 列；请加上这一列，或用 --survey 指定问卷
cli-import-no-target-column = 没有 `target` 列（被评价的单位，填编号或名称）
cli-import-unnamed-column = 第 { $column } 列没有列名
cli-import-column-twice = `{ $column }` 列出现了两次
cli-import-unknown-column = `{ $column }` 列不是问卷 { $survey } 的题目（题目代码：{ $known }）
cli-import-row-unreadable = 无法读取这一行：{ $reason }
cli-import-not-the-survey = “{ $reference }”不是 --survey 指定的问卷（{ $survey }）
cli-import-empty-cell = 这一格是空的
cli-import-no-such-version = “{ $reference }”不是问卷 { $survey } 仍接受答卷的版本（可用版本：{ $known }）
cli-import-bad-day = “{ $day }”不是 YYYY-MM-DD 格式的日期，或是将来的日子
cli-import-question = 题目 { $question }：{ $problem } [{ $code }]
cli-import-not-utf8 = { $path } 不是 UTF-8 文本。请另存为“CSV UTF-8”格式后重新导入。
cli-import-imported-before = 这个文件的内容以前导入过（{ $name }，{ $day }）；再导入一次，同一批纸质问卷就会被计算两次。如果确实需要，请加上 --again。
cli-import-no-rows = { $path } 中没有可导入的行。
cli-import-done = 已从 { $path } 导入 { $count } 份纸质答卷，等待 `canvass push` 上传。
cli-import-refused = { $path } 有 { $lines } 行有问题，没有导入任何内容。请改正后把整个文件重新导入。

## canvass pull 和 canvass push

cli-pull-up-to-date = 本机缓存的问卷已是最新（服务器报告自 { $since } 以来没有变化）。
cli-pull-done = 已获取问卷：开放的问卷 { $surveys } 个，测评 { $rounds } 轮，单位 { $units } 个，干部 { $officials } 名。
cli-pull-col-id = 编号
cli-pull-col-name = 名称
cli-pull-col-detail = 说明
cli-pull-survey = 问卷
cli-pull-round = 测评
cli-pull-survey-detail = 第 { $versions } 版；测评对象 { $targets } 个
cli-round-status-draft = 草稿
cli-round-status-open = 投票中
cli-round-status-closed = 已结束投票
cli-round-status-published = 结果已公布
cli-error-other-server = 这台电脑上保存的答卷属于 { $bound }，但您登录的是 { $server }。没有上传任何内容。请登录 { $bound }（`canvass login --server { $bound }`）先把它们上传，或删除它们。
cli-error-no-server = 本机数据库没有记录答卷属于哪个服务器。请先运行 `canvass pull`。
cli-error-push-running = 这台电脑上有另一个 `canvass push` 正在运行，请等它结束。
cli-error-foreign-receipt = 发出的是批次 { $sent }，服务器却回复了批次 { $received } 的回执。本机没有记录，也没有再发送新内容；请告诉管理员。
cli-push-batch-kept = 这一批（{ $items } 份）已保存在本机，下次运行 `canvass push` 时会原样先发。
cli-push-nothing = 没有要上传的内容：队列是空的。
cli-push-done = 已上传 { $batches } 批：服务器收下答卷 { $responses } 份、计票单 { $sheets } 张。
cli-push-duplicates = 其中 { $batches } 批服务器以前已经收下，这次再次确认。
cli-push-set-aside = 有 { $count } 份内容被服务器退回，已放到待处理：{ $items }。请运行 `canvass status` 查看，再用 `canvass fix 编号` 改正或 `canvass discard 编号` 删除。
cli-progress-bar = { $position }/{ $length } 份
cli-progress-sending-short = 正在发送批次 { $batch }（第 { $attempt } 次）
cli-progress-sending = 正在发送批次 { $batch }：{ $items } 份，第 { $attempt } 次
cli-progress-sending-resumed = 正在发送批次 { $batch }：{ $items } 份，第 1 次（上次上传中断时留下的，原样重发）
cli-progress-retrying = 批次 { $batch }：{ $reason }；{ $seconds } 秒后重试
cli-progress-stored = 批次 { $batch }：{ $items } 份已收下
cli-progress-confirmed = 批次 { $batch }：{ $items } 份以前已收下，再次确认
cli-progress-refused = 批次 { $batch } 被退回：{ $items } 份中有 { $refused } 份放到待处理，其余的换一个新批次重新发送

## canvass login、logout、whoami

cli-login-password-prompt = 请输入 { $username } 在 { $server } 的密码：{ " " }
cli-login-no-terminal = 无法询问密码（{ $reason }）：没有终端。请加上 --password-stdin，从标准输入传入密码。
cli-login-password-unreadable = 无法从标准输入读取密码：{ $reason }
cli-login-no-password = 标准输入中没有密码：--password-stdin 从第一行读取密码（例如 `printf '%s\n' "$PASSWORD" | canvass login ... --password-stdin`）。
cli-login-device-name = 设备名称应为 1 到 { $max } 个字符。
cli-login-no-username = 用户名是空的。
cli-login-done = 已登录 { $server }，账号 { $account }。
cli-login-device-token = 设备凭证 { $device } 有效期至 { $until }。
cli-login-session-token = 会话凭证（不是设备凭证），有效期至 { $until }。
cli-login-saved = 登录信息已保存在 { $path }（只有您能读取）。
cli-login-previous-signed-out = 这台电脑原来的登录（{ $server } 上的 { $username }）已注销。
cli-login-previous-not-revoked = 注意：这台电脑原来的登录无法注销（{ $reason }）。
cli-logout-server-not-told = 注意：没能通知服务器注销：{ $reason }
cli-logout-damaged-file = 注意：登录信息文件 { $path } 已损坏，所以没能通知服务器注销。如果它原来是有效的登录，那个设备凭证在服务器上仍然有效，直到过期或被管理员注销。
cli-logout-not-signed-in = 这台电脑没有登录，无需操作。
cli-logout-revoked = 已从 { $server } 注销：服务器已作废这台电脑的凭证，本机登录信息已删除。
cli-logout-revoked-device = 已从 { $server } 注销：服务器已作废这台设备的凭证（设备编号 { $device }），本机登录信息已删除。
cli-logout-already-invalid = 已注销：本机登录信息已删除。{ $server } 此前已不再接受这台设备的凭证（{ $reason }）。
cli-logout-local-only = 本机登录信息已删除。
cli-whoami-refused = 服务器已不再接受这台设备的凭证：{ $reason }
cli-whoami-unknown = 无法向服务器核对登录状态：{ $reason }
cli-whoami-expired-anyway = 凭证本身也已过期：能连上服务器后请重新运行 `canvass login`。
cli-whoami-credentials = 登录信息：{ $path }
cli-whoami-accepted = 服务器接受这台设备的凭证。
cli-account = { $username }（{ $details }）
cli-account-whole-installation = 全系统
cli-role-admin = 管理员
cli-role-organiser = 组织人员
cli-role-leader = 领导
cli-role-officer = 调查员
cli-token-stays-valid = 这个设备凭证（设备编号 { $device }，账号 { $username }）在 { $server } 上仍然有效，直到 { $until } 过期或被管理员注销（DELETE /api/v1/accounts/{ $account }/devices/{ $device }）。请管理员注销它，或在能连上服务器时重新运行 `canvass login` 和 `canvass logout`。
cli-session-stays-valid = 账号 { $username } 的会话凭证在 { $server } 上仍然有效，直到 { $until } 过期。
cli-token-revoked = 凭证已注销
cli-token-expired = 凭证已过期
cli-token-unknown = 凭证无法识别
cli-token-refused = 凭证被拒绝
cli-ping = { $server }：canvass { $version }，数据库 { $backend }，状态 { $database }

## canvass survey

cli-survey-status-draft = 草稿
cli-survey-status-open = 开放
cli-survey-status-closed = 已结束
cli-survey-list-empty = 您负责的单位还没有问卷。可用 `canvass survey create 文件` 创建。
cli-survey-col-id = 编号
cli-survey-col-status = 状态
cli-survey-col-answering = 接受答卷
cli-survey-col-version = 版本
cli-survey-col-title = 标题
cli-survey-answering-yes = 是
cli-survey-answering-no = 否
cli-survey-link = 链接：{ $url }
cli-survey-created = 已创建问卷 { $id }：{ $title }
cli-survey-published = 已发布问卷 { $id }：{ $title }
cli-survey-closed = 已结束问卷 { $id }：{ $title }
cli-survey-opened = 已重新开放问卷 { $id }：{ $title }
cli-survey-state-accepting = { "  " }状态：{ $status }，正在接受答卷
cli-survey-state-not-accepting = { "  " }状态：{ $status }，现在不接受答卷
cli-survey-published-version = { "  " }已发布版本：{ $version }
cli-survey-draft-version = { "  " }草稿版本：{ $version }（尚未发布）
cli-survey-owner = { "  " }所属单位：{ $unit }，最小公布人数：{ $size }
cli-survey-window = { "  " }答卷时间：{ $opens } 至 { $closes }
cli-survey-public-link = { "  " }公开链接：{ $url }
cli-survey-target-link = { "  " }{ $name }（单位 { $unit }）的链接：{ $url }
cli-survey-next-draft = 现在还不能作答。用 `canvass survey publish { $id }` 发布。
cli-survey-next-open = 用 `canvass survey close { $id }` 结束问卷。
cli-survey-next-closed = 用 `canvass survey open { $id }` 重新开放。

## canvass round

cli-round-file-not-json = 测评文件不是有效的 JSON：{ $reason }
cli-round-file-does-not-fit = 测评文件不符合测评格式（docs/rounds.md）：{ $reason }
cli-round-file-problems = 测评设置有 { $count } 个问题，没有发送任何内容：
    { $problems }
cli-round-list-empty = 您负责的单位还没有民主测评。可用 `canvass round create 文件` 创建。
cli-round-col-id = 编号
cli-round-col-status = 状态
cli-round-col-period = 期间
cli-round-col-series = 系列
cli-round-ballot-page = 投票页面：{ $url }
cli-round-created = 已创建测评 { $id }：{ $series } { $period }
cli-round-opened = 已开始投票，测评 { $id }：{ $series } { $period }
cli-round-closed = 已结束投票，测评 { $id }：{ $series } { $period }
cli-round-published = 已公布结果，测评 { $id }：{ $series } { $period }
cli-round-state = { "  " }状态：{ $status }
cli-round-group = { $id }（{ $label }，权重 { $weight }）
cli-round-subjects = { "  " }测评对象：干部 { $officials } 名；选民组别：{ $groups }
cli-round-subjects-team = { "  " }测评对象：干部 { $officials } 名和领导班子；选民组别：{ $groups }
cli-round-min-group = { "  " }最小公布人数：{ $size }
cli-round-ballot-page-line = { "  " }投票页面：{ $url }
cli-round-next-draft = 先用 `canvass round codes { $id } --group 组别 --count 数量 --slips slips.html` 生成投票码，再用 `canvass round open { $id }` 开始投票。
cli-round-next-open = 选民正在投票。用 `canvass round close { $id }` 结束投票。
cli-round-next-closed = 录入剩余的计票单后，用 `canvass round publish { $id }` 公布结果。
cli-round-next-published = 结果已定，领导可以查看。
cli-codes-shown-once = 为选民组别 { $group } 生成了 { $count } 个投票码，只显示这一次。投票页面：{ $url }
cli-codes-slips-written = 已为选民组别 { $group } 生成 { $count } 张投票码条，写入 { $path }（只有您能读取）。请打印、裁开、打乱后发放；这些投票码无法再次显示。

## 问卷文件和日期

cli-survey-file-problems = 问卷文件有 { $count } 个问题，没有向服务器发送任何内容。请改正后重新运行命令：
cli-survey-file-whole = （整个文件）
cli-survey-file-no-targets-bare = 这个文件只是问卷题目，被评价的单位要在命令行中给出：请加上 --target 单位编号（每个单位一次）。
cli-survey-file-no-targets = 问卷没有指定测评对象：请在文件的 "targets" 中列出，或加上 --target 单位编号（每个单位一次）。
cli-survey-file-not-json = 文件不是有效的 JSON：{ $reason }
cli-date-error = “{ $input }”不是日期或时间（{ $reason }）；请写成 YYYY-MM-DD（北京时间的某一天），或 RFC 3339 时间，如 2025-06-01T08:00:00+08:00
cli-date-not-a-date = 日期不是 YYYY-MM-DD 格式
cli-date-no-t = 日期后面的时间要用 'T' 隔开
cli-date-no-offset = 时间没有时区
cli-date-not-a-clock = 时间不是 HH:MM:SS 格式
cli-date-not-an-offset = 时区不是 Z 或 +HH:MM

## 命令行帮助（canvass help、--help）

cli-help = canvass 客户端：登录，管理问卷和民主测评；把问卷缓存到本机，离线收集答卷和计票单，有网络时上传，每份只计一次。退出码：0 完成，1 失败，2 命令行有误。
cli-help-lang = canvass 使用的语言：zh 或 en [默认：按 LC_ALL、LC_MESSAGES 或 LANG；以 en 开头时用英文，否则用简体中文]
cli-help-help = 显示帮助
cli-help-version = 显示版本
cli-help-usage = 用法
cli-help-commands = 命令
cli-help-command = 命令
cli-help-options = 选项
cli-help-arguments = 参数
cli-help-ping = 检查服务器能否连上、数据库是否正常。
cli-help-ping-server = 服务器地址，例如 http://127.0.0.1:8080
cli-help-login = 让这台电脑登录：领取设备凭证，保存在您的配置目录中。
cli-help-login-server = 服务器地址，例如 https://canvass.example.gov.cn
cli-help-login-username = 您的账号名。
cli-help-login-password-stdin = 从标准输入的第一行读取密码，而不是询问（供脚本使用）。
cli-help-login-device-name = 这台电脑在账号设备列表中的名称 [默认：canvass-cli on 主机名]
cli-help-logout = 让这台电脑退出登录：在服务器上作废设备凭证，并删除本机的登录信息。
cli-help-whoami = 显示这台电脑登录的是谁、哪个服务器，以及服务器是否仍然接受。
cli-help-survey = 管理满意度测评问卷（组织人员）。
cli-help-survey-list = 列出您负责单位的问卷。
cli-help-survey-create = 用文件创建问卷草稿：问卷题目（docs/forms.md），顶层含 "definition"、"targets" 等的问卷文件，或 XLSForm 表格（.xlsx；见 docs/forms.md 的“XLSForm”一节）。先在本机检查，有问题就不发送。
cli-help-survey-create-file = 问卷题目或问卷文件（JSON），或 XLSForm 表格（.xlsx）。
cli-help-survey-create-targets = 被评价的单位；多个单位就重复这个选项。只有问卷题目时必须给出；会替换文件中的 "targets"。
cli-help-survey-create-unit = 问卷所属单位 [默认：您账号所在单位]
cli-help-survey-create-min-group-size = 结果公布的最小人数（至少 5）。
cli-help-survey-create-opens = 开始答卷的时间：YYYY-MM-DD（北京时间当天 0 点）或 RFC 3339 时间。
cli-help-survey-create-closes = 结束答卷的时间：YYYY-MM-DD（北京时间当天结束时）或 RFC 3339 时间。
cli-help-survey-publish = 发布问卷的草稿版本；草稿问卷随即开放答卷。
cli-help-survey-publish-id = 问卷编号（见 `canvass survey list`）。
cli-help-survey-close = 结束问卷：不再接受答卷。
cli-help-survey-close-id = 问卷编号。
cli-help-survey-open = 重新开放已结束的问卷。
cli-help-survey-open-id = 问卷编号。
cli-help-round = 管理民主测评（组织人员）：创建、开始、结束、公布、生成投票码。
cli-help-round-list = 列出您负责单位的民主测评。
cli-help-round-create = 用文件创建测评草稿：测评设置（docs/rounds.md），或 {"{"}"definition": ..., "unit_id": ...{"}"}。先在本机检查，有问题就不发送。
cli-help-round-create-file = 测评设置或测评文件（JSON）。
cli-help-round-create-unit = 组织测评的单位 [默认：文件中的单位，否则为您账号所在单位]
cli-help-round-open = 开始投票（从草稿开始，或结束后再次开始）。
cli-help-round-open-id = 测评编号（见 `canvass round list`）。
cli-help-round-close = 结束投票；之后仍可录入计票单。
cli-help-round-close-id = 测评编号。
cli-help-round-publish = 公布已结束测评的结果：结果定稿，领导可以查看。
cli-help-round-publish-id = 测评编号。
cli-help-round-codes = 为一个选民组别生成一次性投票码。只显示这一次：服务器只保存它们的摘要。
cli-help-round-codes-id = 测评编号。
cli-help-round-codes-group = 选民组别：测评设置中的组别代码，或组别名称。
cli-help-round-codes-count = 生成多少个（1 到 2000）。
cli-help-round-codes-slips = 把可打印的 A4 投票码条（投票码、投票页面二维码、匿名承诺）写入这个 HTML 文件，而不是直接列出投票码。
cli-help-pull = 获取您负责单位开放的问卷、测评、单位和干部名单，保存在本机供离线使用。
cli-help-collect = 在终端里离线逐题询问受访者，一份接一份；每份答完立即保存在本机。答题时输入 ? 查看说明，< 返回上一题，!q 退出。
cli-help-collect-survey = 问卷编号或公开链接代码（见 `canvass status` 或 `canvass pull`）。
cli-help-collect-target = 本次所有受访者评价的单位，填编号或全称。
cli-help-collect-village = 受访者所在的村（社区），填编号或全称。
cli-help-tally = 录入一个投票会场的纸质计票单；票数当场核对。
cli-help-tally-round = 民主测评编号。
cli-help-tally-station = 投票会场，按会上的叫法（如 第一会场）。
cli-help-tally-group = 选民组别，填代码或名称 [测评有多个组别时会询问]
cli-help-tally-file = 从 JSON 文件读取整张计票单，不逐项询问（见 docs/cli.md）。
cli-help-import = 导入从纸质问卷录入的答卷（CSV，每行一份；见 docs/cli.md）。每个有问题的行都会报告行号；只要有一行有问题，就什么也不导入。
cli-help-import-file = CSV 文件（UTF-8）。
cli-help-import-survey = 每一行的问卷（编号或链接代码）；不给时文件中要有 `survey` 列。
cli-help-import-again = 导入以前导入过的同样内容的文件。
cli-help-status = 显示排队待传的、已上传的内容，以及服务器退回了什么、为什么。
cli-help-push = 把排队的答卷和计票单分批上传到服务器，每份只计一次。服务器退回了内容时退出码为 1（见 `canvass status`）。
cli-help-push-keep = 服务器收下后，答卷仍保留在本机。
cli-help-push-batch-items = 每批份数（1 到 1000）[默认：500]
cli-help-fix = 改正服务器退回的内容（重新询问或重新录入计票单，原来的内容作为默认值），然后重新排队。
cli-help-fix-item = 内容编号（见 `canvass status`）。
cli-help-discard = 从这台电脑上删除一份内容（会先询问，除非加 --yes）。
cli-help-discard-item = 内容编号（见 `canvass status`）。
cli-help-discard-yes = 不询问，直接删除。
cli-help-help-command = 显示本帮助，或某个命令的帮助

## canvass survey export-xlsform, and XLSForm workbooks given to canvass survey create
cli-help-survey-export-xlsform = 把问卷 ID 的题目导出为 XLSForm 表格（.xlsx），Excel、KoBoToolbox 和 canvass survey create 都能读回同样的问卷。
cli-help-survey-export-xlsform-id = 问卷编号（见 canvass survey list）。
cli-help-survey-export-xlsform-version = 导出哪个版本 [默认：草稿，没有草稿则为已发布版本]
cli-help-survey-export-xlsform-output = 写入的文件 [默认：survey-ID.xlsx]；已有的文件不会被覆盖。
cli-survey-xlsform-written = 已把问卷 { $id } 的第 { $version } 版写入 { $path }。
cli-survey-xlsform-export-failed = 无法把问卷写成表格：{ $reason }
cli-survey-xlsform-problems = 这个 XLSForm 表格不能使用，没有发送任何内容。

# 拉取后和 `canvass status` 中的走访覆盖情况。
cli-coverage-fewest = { $survey }：您辖区内 { $villages } 个村（社区）中，{ $none } 个尚无答卷。答卷最少的：
cli-coverage-status = { $survey }：
cli-coverage-as-of = 辖区内各村（社区）的答卷（服务器数为上次拉取时 { $fetched } 的数字，旁边是您尚未上传的）：
cli-coverage-col-village = 村（社区）
cli-coverage-col-answers = 答卷
cli-coverage-col-server = 服务器
cli-coverage-col-queued = 您未上传
cli-coverage-hidden = 不公开（份数少）
cli-coverage-unavailable = 已拉取表单，但未能取得各村答卷数：{ $reason }

## canvass unit import, canvass official import

cli-sheet-row = 行
cli-sheet-name = 名称
cli-sheet-action = 操作
cli-sheet-action-create = 新增
cli-sheet-action-update = 更新
cli-sheet-action-unchanged = 不变
cli-sheet-warning = { $problem }(提示:其余内容照常导入)
cli-sheet-preview = { $path }:新增 { $created } 个,更新 { $updated } 个,不变 { $unchanged } 个。
cli-sheet-ask = 确认导入:新增 { $created } 个,更新 { $updated } 个?[y/N]
cli-sheet-ask-help = 输入 y 按上面所列一次性导入全部行;输入其他内容则不导入。使用 `--yes` 可跳过此问题。
cli-sheet-refused = 未导入任何内容:请改正 { $path } 中列出的问题后重新运行此命令。
cli-sheet-empty = 未导入任何内容:{ $path } 中没有可导入的行。
cli-sheet-declined = 未导入任何内容。
cli-sheet-done = 已导入 { $path }:新增 { $created } 个,更新 { $updated } 个,不变 { $unchanged } 个。
cli-help-unit = 管理单位树(组织人员)。
cli-help-unit-import = 从 FILE 导入单位名单(XLSX 或 CSV:名称、类型、上级单位、窗口单位;见 docs/imports.md)。服务器先检查文件,预览列出每个有问题的行和单元格;只有文件没有错误且您确认后才会导入,要么全部导入,要么都不导入。
cli-help-unit-import-file = 单位名单(.xlsx 或 .csv)。
cli-help-unit-import-yes = 文件没有问题时直接导入,不再询问。
cli-help-official = 管理干部名册(组织人员)。
cli-help-official-import = 从 FILE 导入干部名册(XLSX 或 CSV:姓名、职务、单位、班子、排序;见 docs/imports.md)。服务器先检查文件,预览列出每个有问题的行和单元格;只有文件没有错误且您确认后才会导入,要么全部导入,要么都不导入。名册中已有的干部(姓名和单位相同)会被更新。
cli-help-official-import-file = 干部名册(.xlsx 或 .csv)。
cli-help-official-import-yes = 文件没有问题时直接导入,不再询问。
cli-help-unit-list = 列出您辖区的单位树:编号、类型、名称(按上下级缩进)、是否窗口单位、是否已撤销。
cli-help-unit-add = 在单位树中添加一个单位 NAME。
cli-help-unit-add-name = 单位名称。
cli-help-unit-add-kind = 单位类型:county(县)、township(乡镇)、department(县直部门)、village(村)或 community(社区),也可写中文。
cli-help-unit-add-parent = 上级单位的编号(见 canvass unit list);只有县没有上级。
cli-help-unit-add-window = 标记为窗口单位(满意度测评的常见对象)。
cli-unit-list-empty = 您的辖区还没有单位。用 `canvass unit add NAME --kind county` 添加,或用 `canvass unit import FILE` 导入单位名单。
cli-unit-col-id = 编号
cli-unit-col-kind = 类型
cli-unit-col-name = 名称
cli-unit-col-notes = 备注
cli-unit-window = 窗口单位
cli-unit-retired = 已撤销
cli-unit-added = 已添加{ $kind }“{ $name }”,编号 { $id }。
cli-unit-kind-unknown = 无法识别单位类型“{ $kind }”。可选:{ $valid }。
cli-help-account = 管理您辖区的账号（组织人员和管理员），与管理后台的账号页相同。
cli-help-account-list = 列出您辖区的账号：编号、用户名、姓名、角色、单位，以及是否启用、停用或使用临时密码。
cli-help-account-create = 创建账号 USERNAME，指定角色和单位。临时密码只显示这一次，首次登录时必须修改。
cli-help-account-create-username = 3 到 64 个字符：小写字母、数字、.、_ 和 -，以字母开头。
cli-help-account-create-role = 角色：admin（管理员）、organiser（组织人员）、leader（领导）或 officer（调查员），也可写中文；不能高于您自己的角色。
cli-help-account-create-unit = 账号所属单位的编号（见 canvass unit list）；账号只能在该单位及其下级单位内操作。
cli-help-account-create-name = 账号显示的姓名 [默认：用户名]
cli-help-account-disable = 停用账号：无论在哪些设备上登录，它的下一个请求都会被拒绝。
cli-help-account-disable-account = 账号：用户名或编号（见 canvass account list）。
cli-help-account-enable = 重新启用已停用的账号。
cli-help-account-enable-account = 账号：用户名或编号（见 canvass account list）。
cli-help-account-reset-password = 把账号的密码重置为临时密码，只显示这一次，下次登录时必须修改。该账号在所有地方退出登录，设备授权全部撤销。
cli-help-account-reset-password-account = 账号：用户名或编号（见 canvass account list）。
cli-help-survey-import-xlsform = 用 XLSForm 表格（.xlsx；见 docs/forms.md 的“XLSForm”一节）创建问卷草稿，与 canvass survey create 读取表格相同。先在本机检查，有问题就不发送。
cli-help-survey-import-xlsform-file = XLSForm 表格（.xlsx）。
cli-help-survey-import-xlsform-targets = 被评价的单位；多个单位就重复这个选项（表格中没有被评价单位，至少要给出一个）。
cli-help-survey-import-xlsform-unit = 问卷所属单位 [默认：您账号所在单位]
cli-help-survey-import-xlsform-min-group-size = 结果公布的最小人数（至少 5）。
cli-help-survey-import-xlsform-opens = 开始答卷的时间：YYYY-MM-DD（北京时间当天 0 点）或 RFC 3339 时间。
cli-help-survey-import-xlsform-closes = 结束答卷的时间：YYYY-MM-DD（北京时间当天结束时）或 RFC 3339 时间。
cli-survey-not-xlsform = { $path } 不是 XLSForm 表格（.xlsx），没有发送任何内容。JSON 格式的问卷题目或问卷文件请用 `canvass survey create FILE` 创建。
cli-account-list-empty = 您的辖区还没有账号。用 `canvass account create USERNAME --role officer --unit UNIT_ID` 创建。
cli-account-col-id = 编号
cli-account-col-username = 用户名
cli-account-col-name = 姓名
cli-account-col-role = 角色
cli-account-col-unit = 单位
cli-account-col-state = 状态
cli-account-active = 启用
cli-account-disabled = 已停用
cli-account-temporary = 临时密码
cli-account-role-unknown = 无法识别角色“{ $role }”。可选：{ $valid }。
cli-account-not-found = 您管理的账号中没有“{ $who }”（见 `canvass account list`）。
cli-account-no-temporary-password = 服务器已创建账号“{ $username }”，但没有返回临时密码：请用 `canvass account reset-password { $username }` 重置。
cli-account-created = 已创建{ $role }账号“{ $username }”，编号 { $id }。
cli-account-temporary-password = { $username } 的临时密码（只显示这一次）：{ $password }
cli-account-must-change = 下次登录时必须修改。请当面或电话告知本人。
cli-account-was-disabled = 已停用账号“{ $username }”：它的下一个请求会被拒绝。
cli-account-was-enabled = 已启用账号“{ $username }”。
