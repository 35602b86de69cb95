# Words of the organiser's console: units, accounts, officials, surveys and rounds set up and run.

## Tally sheets (计票单录入)

console-sheet-title = 录入计票单
console-sheet-correct-title = 更正计票单
console-sheet-new = 录入新的计票单
console-sheet-back = 返回测评页
console-sheet-print-blank = 打印空白计票单
console-sheet-problems = 计票单未保存,请改正以下问题(已填的数字都保留着):
console-sheet-stations = 已录入的投票点
console-sheet-entered = 已录入
console-sheet-none = 还没有录入任何计票单。
console-sheet-station = 投票点
console-sheet-group = 投票人类别
console-sheet-status = 状态
console-sheet-status-entered = 已录入
console-sheet-status-corrected = 已更正
console-sheet-status-void = 作废
console-sheet-entered-by = 录入人、时间
console-sheet-correct = 更正
console-sheet-hint = 每个投票点、每个类别一张。收回多于发出时该投票点作废;更正会替换原计票单,原单保留可查。
console-sheet-is-correction = 这是对已录入计票单的更正
console-sheet-ballots = 票数
console-sheet-issued = 发出
console-sheet-returned = 收回
console-sheet-valid = 有效
console-sheet-invalid = 废票
console-sheet-abstained = 弃权
console-sheet-save = 保存计票单
console-sheet-whole-number = 请填写不小于0的整数
console-sheet-saved = 已保存“{ $station }”({ $group })的计票单:发出 { $issued },收回 { $returned },有效 { $valid },废票 { $invalid }。
console-sheet-saved-void = 收回多于发出:该投票点的投票作废,须重新投票。
console-sheet-saved-corrected = 它替换了之前录入的计票单,原单保留可查。
console-sheet-expected = 应录入的投票点数
console-sheet-expected-range = 应录入的投票点数须为 1 至 { $max } 之间的整数。
console-sheet-expected-save = 保存
console-sheet-expected-unset = 未设定
console-sheet-expected-saved = 已保存:应录入 { $expected } 个投票点。
