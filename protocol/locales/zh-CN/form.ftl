# Words of the survey forms and answer checks.

## The built-in satisfaction scale

form-scale-satisfaction = 满意度
form-scale-satisfied = 满意
form-scale-basically-satisfied = 基本满意
form-scale-dissatisfied = 不满意
form-scale-dont-know = 不了解

## A respondent's answer, shown beside the question (it does not repeat the question)

form-answer-unknown-question = 本问卷没有这道题。
form-answer-invalid-option = “{ $option }”不是本题的选项。
form-answer-choose-option = 请选择一个选项。
form-answer-tick-options = 请勾选选项。
form-answer-enter-number = 请输入数字。
form-answer-enter-text = 请输入文字。
form-answer-duplicate-option = 选项“{ $option }”重复选择。
form-answer-too-few = 请至少选择{ $min }项。
form-answer-too-many = 最多选择{ $max }项。
form-answer-between = 请输入{ $min }到{ $max }之间的数。
form-answer-at-least = 请输入不小于{ $min }的数。
form-answer-at-most = 请输入不大于{ $max }的数。
form-answer-any-number = 请输入有效的数。
form-answer-whole-number = 请输入整数。
form-answer-text-too-long = 最多{ $max }个字,当前{ $length }个字。
form-answer-required = 此题为必答题。
form-answer-hidden = 根据您前面的回答,本题无需作答,请清空。
form-answer-unstorable = 回答里有无法保存的字符(空字符),请删去后再提交。

## A problem in a form definition, for the organiser

form-def-text-empty = 文字不能为空。
form-def-text-too-long = 文字不能超过{ $max }个字。
form-def-too-many-scales = 一份问卷最多定义{ $max }个量表。
form-def-no-questions = 问卷至少要有一道题。
form-def-too-many-questions = 问卷最多{ $max }道题。
form-def-duplicate-question-id = 题目“{ $question }”的编号“{ $id }”与前面的题目重复。
form-def-too-few-options = 至少需要{ $min }个选项。
form-def-too-many-options = 最多只能有{ $max }个选项。
form-def-duplicate-option-id = 选项编号“{ $id }”重复使用。
form-def-reserved-scale = 量表编号“{ $id }”留给系统内置的满意度量表,请换一个编号。
form-def-score-range = 分值应在0到{ $max }之间。
form-def-unscored-satisfied = 没有分值的选项不计入满意率,不能算作“满意”。
form-def-scale-unscored = 量表中至少要有一个选项设了分值。
form-def-unknown-scale = 没有“{ $scale }”这个量表:请使用“{ $builtin }”,或在 scales 中定义它。
form-def-max-length = 字数上限(max_length)应在1到{ $max }之间。
form-def-min-choices = 最少选择项数(min)应在1到选项个数之间。
form-def-max-choices = 最多选择项数(max)应在1到选项个数之间。
form-def-max-below-min = 最多选择项数(max)不能小于最少选择项数(min)。
form-def-bound-not-finite = 上下限必须是有限的数。
form-def-bound-not-whole = 只收整数的题目,上下限也必须是整数。
form-def-show-if-not-earlier = 跳题条件引用的题目“{ $question }”不在本题之前。
form-def-show-if-unknown = 跳题条件引用的“{ $target }”不是本问卷的题目。
form-def-any-of-empty = any_of 至少要列出一个值。
form-def-show-if-text = 跳题条件不能取决于文字题“{ $question }”。
form-def-value-twice = { $value } 重复列出。
form-def-value-impossible = 题目“{ $question }”不可能取值 { $value }:{ $reason }。
form-def-reason-not-an-option = 它不是该题的选项
form-def-reason-takes-options = 该题的回答是选项,不是数字
form-def-reason-takes-numbers = 该题的回答是数字,不是选项
form-def-reason-out-of-range = 超出了该题的取值范围
form-def-reason-whole-numbers = 该题只收整数
form-def-unstorable = 文字里有无法保存的字符(空字符)。
