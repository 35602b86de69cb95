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
