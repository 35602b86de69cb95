# Words of appraisal rounds: grades, dimensions, and the checks of round definitions, ballots,
# tally sheets and ballot codes. A message names an official, an elector group or a dimension by
# the name the reader knows.

## Grades, dimensions and subjects

round-grade-excellent = 优秀
round-grade-competent = 称职
round-grade-basically-competent = 基本称职
round-grade-incompetent = 不称职
round-grade-good = 好
round-grade-fairly-good = 较好
round-grade-average = 一般
round-grade-poor = 差
round-dimension-integrity = 德
round-dimension-ability = 能
round-dimension-diligence = 勤
round-dimension-performance = 绩
round-dimension-honesty = 廉
round-grade-not-on-official-scale = “{ $grade }”不是评价干部的等次(干部按优秀、称职、基本称职、不称职评价)。
round-grade-not-on-team-scale = “{ $grade }”不是评价领导班子的等次(班子按好、较好、一般、差评价)。
# An official a ballot or a sheet names who is not in the round: only the id is known.
round-official-not-in-round = 编号为{ $id }的干部
round-team = 领导班子
# One dimension of one official, as in "Zhou Jianjun (integrity)".
round-subject-dimension = { $subject }({ $dimension })

## A problem in a round definition, for the organiser

round-text-length = 应为1到{ $max }个字。
round-text-unstorable = 不能含有无法保存的空字符(U+0000)。
round-def-identifier = 只能由1到64个小写字母、数字、“_”和“-”组成,并以字母或数字开头。
round-def-too-many = 最多{ $max }项,现有{ $count }项。
round-def-no-subjects = 测评至少要有一位被测评的干部,或领导班子。
round-def-official-id = 干部编号必须是正整数。
round-def-official-twice = 干部“{ $official }”(编号{ $id })被重复列出。
round-def-leader-unknown = 编号为{ $id }的干部不在本次测评的干部名单中,不能作为主要领导。
round-def-dimension-twice = 测评维度“{ $dimension }”被重复列出。
round-def-no-groups = 测评至少要有一个参评人员类别。
round-def-group-twice = 参评人员类别“{ $group }”的编号“{ $id }”与前面的类别重复。
round-def-weight = “{ $group }”的权重必须是大于0的数。
round-def-score = “{ $grade }”的分值必须是有限的数。
round-def-rule-twice = 预警规则“{ $rule }”的编号“{ $id }”与前面的规则重复。
round-def-consecutive = 连续测评次数应为1到{ $max }。
round-def-no-grades = 至少要指定一个等次。
round-def-disclosure = 最少公布人数至少为1。

## A problem in a ballot or a tally sheet

round-group-not-in-round = 本次测评没有“{ $group }”这个参评人员类别。
round-subject-not-in-round = 本次测评不测评{ $subject }。
round-dimension-not-in-round = 本次测评不测评“{ $dimension }”这一项。
round-ballot-graded-twice = { $subject }被评了两次。
round-ballot-team-dimensions = 领导班子只作整体评价,不分德、能、勤、绩、廉。
round-tally-valid-invalid = 有效票({ $valid })加废票({ $invalid })应等于收回票数({ $returned })。
round-tally-two-entries = { $subject }的票数录了两次。
round-tally-sum = { $subject }:各等次票数加弃权票共{ $sum }张,而有效票是{ $valid }张,两者应相等。
round-tally-dimension-not-in-round = 本次测评不测评{ $subject }的“{ $dimension }”。
round-tally-dimension-missing = 缺少{ $subject }“{ $dimension }”一项的票数。
round-tally-subject-missing = 缺少{ $subject }的票数。
round-tally-exceeds-rule = { $valid }张有效票最多只能有{ $allowed }个“{ $grade }”(每张票最多{ $max }个),计票单却记了{ $marked }个。
round-tally-void = 收回{ $returned }张,但只发出{ $issued }张:该投票点的投票作废,须重新投票。

## A typed ballot code that is not a code

round-code-wrong-length = 测评码共12位,这里有{ $found }位。
round-code-invalid-character = 第{ $position }位的“{ $character }”不会出现在测评码中。
round-code-no-zero = 第{ $position }位的“{ $character }”不会出现在测评码中:测评码里没有数字0和字母O。
round-code-no-one = 第{ $position }位的“{ $character }”不会出现在测评码中:测评码里没有数字1和字母I。
round-code-typo = 测评码有输错的地方,请对照纸条逐位核对。

## The counts of a tally sheet, named in messages

round-count-issued = 发出票数
round-count-returned = 收回票数
round-count-valid = 有效票数
round-count-invalid = 废票数
round-count-grade = { $subject }的“{ $grade }”票数
round-count-abstentions = { $subject }的弃权票数
round-tally-too-many = { $count }不能超过{ $max }张。
