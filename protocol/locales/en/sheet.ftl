# Words of the spreadsheet imports: XLSForm forms, the roster of officials and the unit list.

## Where a problem is
sheet-where-sheet = sheet “{ $sheet }”
sheet-where-row = row { $row }
sheet-where-sheet-row = sheet “{ $sheet }”, row { $row }
sheet-where-column = column { $column } ({ $header })
sheet-where-sheet-column = sheet “{ $sheet }”, column { $column } ({ $header })
sheet-where-cell = row { $row }, column { $column } ({ $header })
sheet-where-sheet-cell = sheet “{ $sheet }”, row { $row }, column { $column } ({ $header })
sheet-problem-at = { $place }: { $message }
sheet-problem-count = { $count ->
        [one] 1 problem
       *[other] { $count } problems
    }

## The file
sheet-unreadable-file = The file cannot be read. Upload an .xlsx file saved by Excel or WPS, or a .csv file.
sheet-missing-survey = The workbook has no sheet named “survey”, where the questions belong.
sheet-missing-settings = The workbook has no sheet named “settings”. Add it, with the survey's title in the column form_title.
sheet-missing-choices = The workbook has no sheet named “choices”, which the choice question in row { $row } needs for its options.
sheet-settings-extra-row = Only the first row of the settings sheet is read; this row is not used.

## Columns
sheet-missing-column = The column “{ $header }” is missing.
sheet-missing-chinese-column = The Chinese column “{ $header }” is missing. Add a column “{ $header }” or “{ $header }::Chinese (zh)”.
sheet-duplicate-column = The column “{ $header }” means the same as column { $other_column } “{ $other }”: delete one of them.
sheet-column-ignored = The column “{ $header }” is not used: canvass shows its own messages.
sheet-column-unsupported = canvass does not have the feature of the column “{ $header }”: empty or delete the column.
sheet-column-language = The column “{ $header }” is in a language canvass does not speak. canvass speaks Simplified Chinese and English: delete the column.
sheet-column-unknown = The column “{ $header }” is not recognised. Check its spelling, or delete the column.
sheet-column-no-header = This column has values but no header in the first row.
sheet-column-not-for-type = “{ $header }” applies only to { $header ->
        [unit] number questions (integer, decimal)
       *[other] 0–10 score questions (score_0_10)
    }.
sheet-default-language = The default language “{ $language }” is not supported. Write Chinese (zh) or English (en).

## Cells
sheet-missing-text = This cannot be empty: fill in the Chinese text.
sheet-missing-chinese = There is English but no Chinese: fill in the Chinese column.
sheet-missing-type = This row has values but no question type (type).
sheet-missing-name = Fill in the name.
sheet-missing-list-name = Fill in the name of the choice list (list_name).
sheet-invalid-name = The name “{ $name }” cannot be used. A name starts with a lowercase English letter and has only lowercase letters, digits and underscores, such as q1 or service_attitude.
sheet-duplicate-question = The question name “{ $name }” is already used in row { $row }; every question needs its own name.
sheet-duplicate-choice = The option name “{ $name }” is already used in list “{ $list }”, row { $row }.
sheet-duplicate-option = The option name “{ $name }” appears twice in one question.
sheet-not-yes-no = Write yes or no.
sheet-text-too-long = The text is too long: at most { $max } characters.

## Types
sheet-type-unknown = The question type “{ $kind }” is not recognised. Check its spelling.
sheet-type-unsupported = canvass does not have the question type “{ $kind }”. The supported types are listed in docs/forms.md, section XLSForm.
sheet-type-needs-list = The type “{ $kind }” needs the name of a choice list after it, such as select_one yes_no.
sheet-metadata-ignored = “{ $kind }” is not recorded: to keep answers anonymous, canvass never records when, on which device or by whom a survey was answered.
sheet-note-between = canvass shows no text between questions. Put this text into the hint of the next question, or into the introduction at the top of the form.
sheet-intro-relevant = The introduction at the top of the form is always shown; it cannot have a condition (relevant).
sheet-intro-hint = The hint of the introduction is not shown.
sheet-repeat = canvass does not have repeats.
sheet-group-relevant = canvass cannot show or hide a whole group. Give each question of the group the condition instead.
sheet-group-flattened = Groups are not shown as such; their questions are kept, in order.
sheet-group-end-without-begin = “{ $kind }” has no matching begin row.
sheet-group-not-ended = This group has no end row (end group).
sheet-range-unsupported = Only a range from 0 to 10 in steps of 1 is supported (parameters start=0 end=10 step=1).
sheet-parameters-unsupported = canvass does not support the parameters “{ $parameters }”.
sheet-appearance-ignored = The appearance “{ $appearance }” is not used (only multiline, on a text question, is: several lines of text).
sheet-required-conditional = canvass does not have conditionally required questions. Write yes or no.

## Skip rules and bounds
sheet-relevant-unsupported = The condition “{ $expression }” is not supported. Only ${"{"}question{"}"} = 'option' and selected(${"{"}question{"}"}, 'option') are, and several values of the same question joined by or.
sheet-relevant-unknown-question = The condition refers to “{ $question }”, which is not a question of this form.
sheet-relevant-not-earlier = The condition refers to “{ $question }”, which does not come before this question. A question can only depend on earlier answers.
sheet-relevant-text-question = “{ $question }” is a text question and cannot be used in a condition.
sheet-relevant-use-selected = “{ $question }” is a multiple-choice question: write selected(…, 'option').
sheet-relevant-selected-number = “{ $question }” is answered with a number: compare it with =, such as = 3.
sheet-relevant-impossible-value = “{ $value }” is not an answer “{ $question }” can have.
sheet-relevant-value-twice = The value “{ $value }” appears twice in the condition.
sheet-constraint-unsupported = The constraint “{ $expression }” is not supported. Only bounds of a number (. >= 1 and . <= 30), of the options picked (count-selected(.) <= 2) and of a text's length (string-length(.) <= 500) are.
sheet-constraint-not-for-type = This kind of question ({ $kind }) cannot have this constraint.
sheet-bounds-impossible = The bounds cannot hold together or are out of range (a text has at most 2,000 characters; the options picked lie between 1 and the number of options; an integer question has whole bounds).

## Lists and scales
sheet-missing-list = The choices sheet has no list named “{ $list }”.
sheet-list-unused = The choice list “{ $list }” is used by no question.
sheet-scores-ignored = The choice list “{ $list }” is used by choice questions: its scores are not used. Only rating questions use scores.
sheet-scale-without-scores = The rating scale “{ $list }” needs a score in the score column for at least one option.
sheet-scale-reserved = The list name satisfaction is reserved for the built-in satisfaction scale (satisfied, basically satisfied, dissatisfied, don't know). Give your scale another name.
sheet-scale-label-unused = “{ $list }” is not a rating scale: this name is not used.
sheet-score-not-a-number = A score is a number from 0 to 100.
sheet-score-range = A score lies between 0 and 100.
sheet-satisfied-without-score = An option without a score (like “don't know”) is left out of the satisfaction rate and cannot count as satisfied.
sheet-option-count = { $count } options; between { $min } and { $max } are needed.

## The form as a whole
sheet-no-questions = The form has no question that can be imported.
sheet-too-many-questions = The form has { $count } questions; at most { $max } are allowed.
sheet-too-many-scales = A form defines at most { $max } rating scales.
sheet-form-rule = The form breaks a rule: { $detail }

## Rosters and unit lists
sheet-column-not-read = The column “{ $header }” is not imported.
sheet-cell-empty = This cannot be empty.
sheet-control-characters = Line breaks and other control characters are not allowed.
sheet-order-not-a-number = The order is a whole number, such as 1, 2, 3.
sheet-duplicate-person = “{ $name }” is already listed in the same unit in row { $row }.
sheet-unit-ambiguous = Several units are named “{ $unit }” ({ $paths }): write the unit above it too, such as “东山镇/新村”.
sheet-unit-unknown = There is no unit named “{ $unit }”.
sheet-kind-unknown = The kind “{ $kind }” is not recognised. Write county, township, department, village or community.
sheet-duplicate-code = The code “{ $code }” is already used in row { $row }.
sheet-duplicate-unit = “{ $unit }” is already listed under the same parent in row { $row }.
sheet-parent-cycle = The parents of “{ $unit }” lead back to it.
sheet-kind-not-allowed = A { $kind } cannot stand under a { $parent }. The tree is county → township or department → village or community.
sheet-kind-needs-parent = A { $kind } needs a parent unit; only a county has none.
sheet-unit-exists-other-kind = This unit already exists, as a { $kind }.
sheet-name-has-slash = A unit name cannot contain “/” or “>”: they separate a unit from the units above it, as in “东山镇/新村”.
sheet-import-refused = Nothing was stored: the file has { $count ->
        [one] 1 problem
       *[other] { $count } problems
    }, each listed with its row and cell.
