# Words of the files people download: column titles and values of the exports.

## The answer export (answers.csv)
export-answers-version = Version
export-answers-target-unit = Target unit
export-answers-target-unit-id = Target unit id
export-answers-respondent-unit = Respondent's village
export-answers-respondent-unit-id = Respondent's village id
export-answers-channel = Channel
export-answers-day = Day
export-answers-channel-web = Web
export-answers-channel-field = In person
export-answers-channel-paper = Paper

## The results tables (CSV and XLSX): column titles, row labels and notes
export-unit = Unit
export-responses = Responses
export-satisfaction-rate = Satisfaction rate
export-composite-score = Composite score
export-rank = Rank
export-total = Total
export-question = Question
export-option = Option
export-count = Count
export-share = Share
export-figure-satisfaction-rate = satisfaction rate
export-figure-score = score
export-figure-mean = mean
export-village = Village
export-village-not-stated = not stated
export-week-of = Week of
export-comment = Comment
export-subject = Subject
export-position = Position
export-group = Group
export-abstained = Abstained
export-score = Score
export-grade = Grade
export-group-all = All
export-group-weighted = Weighted
export-codes-issued = Codes issued
export-codes-used = Codes used
export-paper-issued = Paper issued
export-paper-returned = Paper returned
export-valid = Valid
export-invalid = Invalid
export-flag = Flag
export-numbers = Numbers
export-note = Note
export-xlsx-note-exact = A hidden cell says why it is hidden; exact figures shaded yellow are hidden from leaders.
export-xlsx-note = A hidden cell says why it is hidden.
