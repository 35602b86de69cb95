# Words of the spreadsheet imports: XLSForm forms, the roster of officials and the unit list.

## Where a problem is
sheet-where-sheet = 工作表“{ $sheet }”
sheet-where-row = 第 { $row } 行
sheet-where-sheet-row = 工作表“{ $sheet }”第 { $row } 行
sheet-where-column = { $column } 列({ $header })
sheet-where-sheet-column = 工作表“{ $sheet }”{ $column } 列({ $header })
sheet-where-cell = 第 { $row } 行 { $column } 列({ $header })
sheet-where-sheet-cell = 工作表“{ $sheet }”第 { $row } 行 { $column } 列({ $header })
sheet-problem-at = { $place }:{ $message }
sheet-problem-count = 共 { $count } 个问题

## The file
sheet-unreadable-file = 无法读取该文件。请上传用 Excel 或 WPS 保存的 .xlsx 文件,或 .csv 文件。
sheet-missing-survey = 工作簿中没有名为“survey”的工作表,问卷的题目应写在这张表里。
sheet-missing-settings = 工作簿中没有名为“settings”的工作表。请添加这张表,并在 form_title 列填写问卷标题。
sheet-missing-choices = 工作簿中没有名为“choices”的工作表,第 { $row } 行的选择题需要在这张表里列出选项。
sheet-settings-extra-row = settings 表只读取第一行数据,这一行不会被使用。

## Columns
sheet-missing-column = 缺少“{ $header }”列。
sheet-missing-chinese-column = 缺少中文的“{ $header }”列。请添加“{ $header }”列或“{ $header }::Chinese (zh)”列。
sheet-duplicate-column = “{ $header }”列与 { $other_column } 列“{ $other }”含义相同,请删除其中一列。
sheet-column-ignored = “{ $header }”列不会被使用:canvass 显示自己的提示文字。
sheet-column-unsupported = canvass 不支持“{ $header }”列所表示的功能,请清空或删除这一列。
sheet-column-language = “{ $header }”列的语言不受支持。canvass 只支持简体中文和英文,请删除这一列。
sheet-column-unknown = 无法识别“{ $header }”列。请检查列名是否拼写正确,或删除这一列。
sheet-column-no-header = 这一列有内容,但第一行没有列名。
sheet-column-not-for-type = “{ $header }”只能用于{ $header ->
        [unit] 数字题(integer、decimal)
       *[other] 0–10 分打分题(score_0_10)
    }。
sheet-default-language = 不支持默认语言“{ $language }”。请填写 Chinese (zh) 或 English (en)。

## Cells
sheet-missing-text = 此处不能为空,请填写中文。
sheet-missing-chinese = 只有英文,缺少中文。请在中文列填写。
sheet-missing-type = 这一行有内容,但没有填写题型(type)。
sheet-missing-name = 请填写名称(name)。
sheet-missing-list-name = 请填写选项列表名称(list_name)。
sheet-invalid-name = 名称“{ $name }”不可用。名称须以小写英文字母开头,只能包含小写英文字母、数字和下划线,例如 q1、service_attitude。
sheet-duplicate-question = 题目名称“{ $name }”与第 { $row } 行重复,每道题的名称必须不同。
sheet-duplicate-choice = 选项名称“{ $name }”在列表“{ $list }”中与第 { $row } 行重复。
sheet-duplicate-option = 选项名称“{ $name }”在同一题中重复。
sheet-not-yes-no = 请填写“是”或“否”(yes 或 no)。
sheet-text-too-long = 文字太长,最多 { $max } 个字。

## Types
sheet-type-unknown = 无法识别题型“{ $kind }”。请检查拼写。
sheet-type-unsupported = canvass 不支持题型“{ $kind }”。支持的题型见 docs/forms.md 的 XLSForm 一节。
sheet-type-needs-list = 题型“{ $kind }”后面要写选项列表的名称,例如 select_one yes_no。
sheet-metadata-ignored = 不会记录“{ $kind }”:为了匿名,canvass 从不记录作答时间、设备或作答人。
sheet-note-between = canvass 不在题目之间显示说明文字。请把这段文字写进下一题的提示(hint),或放到问卷开头的说明里。
sheet-intro-relevant = 问卷开头的说明总是显示,不能设置显示条件(relevant)。
sheet-intro-hint = 问卷开头说明的提示(hint)不会显示。
sheet-repeat = canvass 不支持重复组(repeat)。
sheet-group-relevant = canvass 不支持给整个分组设置显示条件。请把条件写到组内每一道题上。
sheet-group-flattened = 分组不会单独显示,组内的题目按原顺序保留。
sheet-group-end-without-begin = “{ $kind }”前面没有对应的开始行。
sheet-group-not-ended = 分组没有结束行(end group)。
sheet-range-unsupported = 只支持 0 到 10 分、步长为 1 的 range(parameters 填 start=0 end=10 step=1)。
sheet-parameters-unsupported = canvass 不支持参数“{ $parameters }”。
sheet-appearance-ignored = 外观设置“{ $appearance }”不会被使用(文本题只支持 multiline,表示多行文字)。
sheet-required-conditional = canvass 不支持按条件必答。请填写“是”或“否”。

## Skip rules and bounds
sheet-relevant-unsupported = 不支持显示条件“{ $expression }”。只支持 ${"{"}题目{"}"} = '选项' 和 selected(${"{"}题目{"}"}, '选项') 两种写法,同一道题的几个值可以用 or 连接。
sheet-relevant-unknown-question = 显示条件引用的“{ $question }”不是本问卷中的题目。
sheet-relevant-not-earlier = 显示条件引用的“{ $question }”不在本题之前。只能根据前面题目的回答来决定是否显示。
sheet-relevant-text-question = “{ $question }”是文字题,不能作为显示条件。
sheet-relevant-use-selected = “{ $question }”是多选题,请用 selected(…, '选项') 的写法。
sheet-relevant-selected-number = “{ $question }”的回答是数字,请用 = 比较,例如 = 3。
sheet-relevant-impossible-value = “{ $value }”不是“{ $question }”可能的回答。
sheet-relevant-value-twice = 值“{ $value }”在条件中出现了两次。
sheet-constraint-unsupported = 不支持限制条件“{ $expression }”。只支持数字的上下限(. >= 1 and . <= 30)、多选题的选择个数(count-selected(.) <= 2)和文字长度(string-length(.) <= 500)。
sheet-constraint-not-for-type = 这种题型({ $kind })不能使用这样的限制条件。
sheet-bounds-impossible = 上下限无法同时满足,或超出允许的范围(文字最多 2000 字;选择个数须在 1 到选项数之间;整数题的上下限须为整数)。

## Lists and scales
sheet-missing-list = choices 表中没有名为“{ $list }”的选项列表。
sheet-list-unused = 选项列表“{ $list }”没有被任何题目使用。
sheet-scores-ignored = 选项列表“{ $list }”用于选择题,其中的分数不会被使用。只有 rating 题使用分数。
sheet-scale-without-scores = 评分量表“{ $list }”至少要有一个选项在 score 列填写分数。
sheet-scale-reserved = 列表名称 satisfaction 已留给内置的满意度量表(满意、基本满意、不满意、不了解)。请给自己的量表另起名称。
sheet-scale-label-unused = “{ $list }”不是评分量表,这里的名称不会被使用。
sheet-score-not-a-number = 分数必须是 0 到 100 之间的数字。
sheet-score-range = 分数必须在 0 到 100 之间。
sheet-satisfied-without-score = 没有分数的选项(如“不了解”)不计入满意率,不能标为满意。
sheet-option-count = 有 { $count } 个选项,应为 { $min } 到 { $max } 个。

## The form as a whole
sheet-no-questions = 问卷中没有可以导入的题目。
sheet-too-many-questions = 问卷有 { $count } 道题,最多 { $max } 道。
sheet-too-many-scales = 一份问卷最多定义 { $max } 个评分量表。
sheet-form-rule = 不符合问卷规则:{ $detail }

## Rosters and unit lists
sheet-column-not-read = “{ $header }”列不会被导入。
sheet-cell-empty = 此处不能为空。
sheet-control-characters = 不能包含换行或其他控制字符。
sheet-order-not-a-number = 排序须为整数,例如 1、2、3。
sheet-duplicate-person = “{ $name }”在同一单位中已出现在第 { $row } 行。
sheet-unit-unknown = 没有名为“{ $unit }”的单位。
sheet-unit-ambiguous = 名为“{ $unit }”的单位不止一个({ $paths }),请写出上级,例如“东山镇/新村”。
sheet-kind-unknown = 无法识别类型“{ $kind }”。请填写县、乡镇、县直部门、村或社区。
sheet-duplicate-code = 代码“{ $code }”已用于第 { $row } 行。
sheet-duplicate-unit = “{ $unit }”在同一上级单位下已出现在第 { $row } 行。
sheet-parent-cycle = “{ $unit }”的上级单位最终又指向它自己。
sheet-kind-not-allowed = { $kind }不能设在{ $parent }之下。单位层级为:县 → 乡镇或县直部门 → 村或社区。
sheet-kind-needs-parent = { $kind }必须填写上级单位,只有县可以没有上级。
sheet-unit-exists-other-kind = 该单位已存在,类型为{ $kind }。
sheet-name-has-slash = 单位名称中不能有“/”或“>”,它们用于写出上级,例如“东山镇/新村”。
sheet-import-refused = 未导入任何内容:文件有 { $count } 个问题,已逐一列出所在的行和单元格。
