# Words of the printables: ballot papers, tally sheets, questionnaires, slips and posters.

## The print layout

print-button = 打印
print-hint = 用 A4 纸打印;打印时不会印出本行。

## Ballot papers and tally sheets

print-ballot-title = 民主测评票
print-tally-title = 计票单
print-elector-group = 投票人类别
print-officials = 领导干部
print-team = 领导班子
print-team-name = 班子
print-number = 序号
print-name = 姓名
print-position = 职务
print-aspect = 测评内容
print-overall = 总体评价
print-ballot-how = 请在每位领导干部对应的等次栏内划“√”,每人(每项)只能选一个等次。
print-ballot-blank = 不划的视为弃权。
print-ballot-no-marks = 本票不记名,请勿在票面上书写姓名或作其他任何记号。
print-ballot-fold = 填好后对折,投入票箱。
print-quota-rule = “{ $grade }”不超过 { $max } 名,超过作废。
print-error-group = 请选择投票人类别,应为以下之一:{ $groups }
print-station = 投票点
print-issued = 发出票数
print-returned = 收回票数
print-valid = 有效票数
print-invalid = 废票数
print-abstain = 弃权
print-row-total = 合计
print-tally-rules = 核对规则
print-rule-returned = 收回票数不得多于发出票数,否则本投票点的投票作废。
print-rule-valid = 有效票数 + 废票数 = 收回票数。
print-rule-rows = 每位领导干部(每项)的各等次票数 + 弃权 = 有效票数(即“合计”栏)。
print-rule-invalid-ballots = 废票:
print-counters = 计票人(签名)
print-supervisor = 监票人(签名)
print-date = 日期

## Paper questionnaires

print-version = 第 { $version } 版
print-target = 评价对象
print-required = 必答
print-pick-one = 单选
print-pick-any = 可多选
print-pick-at-most = 可多选,最多选 { $max } 项
print-pick-at-least = 多选,至少选 { $min } 项
print-number-between = 填 { $min } 至 { $max } 之间的数
print-number-from = 填不小于 { $min } 的数
print-number-to = 填不大于 { $max } 的数
print-whole-number = 填整数
print-quoted = “{ $value }”
print-or = 或
print-shown-if = (第 { $number } 题选 { $values } 时回答本题,否则跳过)
print-questionnaire-how = 请在选中的方框内划“√”,或在横线上填写。
print-questionnaire-anonymous = 本问卷不记名,请勿填写姓名、电话等个人信息。
print-questionnaire-thanks = 谢谢您的参与!

## Ballot-code slips

print-slips-title = 测评码
print-slip-qr = 投票页面二维码
print-slip-kind = 一次性测评码
print-slip-promise = 扫码或打开下方网址,输入此码投票。此码只能使用一次,与您的身份无关:任何人(包括系统管理员)都无法知道您投了什么票。

## 答题码条与门牌卡

print-survey-slips-title = 答题码
print-survey-slip-qr = 问卷二维码(已带答题码)
print-survey-slip-kind = 每户限答一份
print-survey-slip-promise = 扫码,或打开下方网址并输入此码,即可作答。此码只能使用一次,与您的回答没有任何关联:任何人(包括系统管理员)都无法知道您答了什么。

## Survey posters

print-posters-title = 测评海报
print-poster-kicker = 群众满意度测评
print-poster-invitation = 您对{ $unit }的服务满意吗?请用手机扫描二维码,或在浏览器中打开下方网址参与评价,只需几分钟。
print-poster-qr = { $unit }测评页面二维码
print-poster-address = 网址:
print-poster-anonymous-heading = 匿名评价,放心作答
print-poster-anonymous-no-name = 不需要填写姓名、电话等个人信息,也不需要登录。
print-poster-anonymous-nothing-kept = 系统保存答卷时不记录您的手机地址、设备和具体时间:任何人(包括系统管理员)都无法知道您的回答。
print-poster-anonymous-groups = 结果只按不少于 { $min } 份答卷的群体显示,无法从中辨认任何人的回答。
print-error-posters-draft = 该测评仍是草稿,链接尚不能使用:请先发布,再打印海报。

## Links to the printables

print-links = 打印(A4)
print-questionnaire-title = 纸质问卷
print-posters-link = 测评海报(每个被评单位一张)
