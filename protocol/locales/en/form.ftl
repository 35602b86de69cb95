# Words of the survey forms and answer checks.

## The built-in satisfaction scale

form-scale-satisfaction = Satisfaction
form-scale-satisfied = Satisfied
form-scale-basically-satisfied = Basically satisfied
form-scale-dissatisfied = Dissatisfied
form-scale-dont-know = Don't know

## A respondent's answer, shown beside the question (it does not repeat the question)

form-answer-unknown-question = This form has no such question.
form-answer-invalid-option = "{ $option }" is not one of this question's options.
form-answer-choose-option = Choose one of the options.
form-answer-tick-options = Tick the options that apply.
form-answer-enter-number = Enter a number.
form-answer-enter-text = Enter some text.
form-answer-duplicate-option = "{ $option }" is chosen more than once.
form-answer-too-few = Choose at least { $min }.
form-answer-too-many = Choose at most { $max }.
form-answer-between = Enter a number from { $min } to { $max }.
form-answer-at-least = Enter a number of at least { $min }.
form-answer-at-most = Enter a number of at most { $max }.
form-answer-any-number = Enter a valid number.
form-answer-whole-number = Enter a whole number.
form-answer-text-too-long = Keep it to { $max } characters; this has { $length }.
form-answer-required = This question must be answered.
form-answer-hidden = Given your earlier answer this question does not apply; leave it empty.
form-answer-unstorable = The answer holds a character that cannot be stored (NUL); remove it.

## A problem in a form definition, for the organiser

form-def-text-empty = the text must not be empty
form-def-text-too-long = the text has more than { $max } characters
form-def-too-many-scales = a form defines at most { $max } scales
form-def-no-questions = a form has at least one question
form-def-too-many-questions = a form has at most { $max } questions
form-def-duplicate-question-id = question id "{ $id }" is used twice ("{ $question }")
form-def-too-few-options = at least { $min } { $min ->
        [1] option
       *[other] options
    } needed
form-def-too-many-options = at most { $max } options allowed
form-def-duplicate-option-id = option id "{ $id }" is used twice
form-def-reserved-scale = the scale id "{ $id }" is reserved for the built-in scale
form-def-score-range = a score lies between 0 and { $max }
form-def-unscored-satisfied = an option without a score is left out of the rates and cannot count as satisfied
form-def-scale-unscored = at least one option of a scale has a score
form-def-unknown-scale = no scale "{ $scale }": use "{ $builtin }" or define it under `scales`
form-def-max-length = max_length lies between 1 and { $max }
form-def-min-choices = min lies between 1 and the number of options
form-def-max-choices = max lies between 1 and the number of options
form-def-max-below-min = max is at least min
form-def-bound-not-finite = a bound is a finite number
form-def-bound-not-whole = the bounds of an integer question are whole numbers
form-def-show-if-not-earlier = show_if refers to "{ $question }", which is not an earlier question
form-def-show-if-unknown = show_if refers to "{ $target }", which is not a question of this form
form-def-any-of-empty = any_of lists at least one value
form-def-show-if-text = show_if cannot depend on the text question "{ $question }"
form-def-value-twice = { $value } is listed twice
form-def-value-impossible = question "{ $question }" cannot take the value { $value }: { $reason }
form-def-reason-not-an-option = it is not one of its options
form-def-reason-takes-options = its answers are option ids, not numbers
form-def-reason-takes-numbers = its answers are numbers, not option ids
form-def-reason-out-of-range = it is outside the question's range
form-def-reason-whole-numbers = the question takes whole numbers only
form-def-unstorable = the text holds a character that cannot be stored (NUL)
