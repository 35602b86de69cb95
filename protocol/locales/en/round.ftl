# Words of appraisal rounds: grades, dimensions, and the checks of round definitions, ballots,
# tally sheets and ballot codes. A message names an official, an elector group or a dimension by
# the name the reader knows.

## Grades, dimensions and subjects

round-grade-excellent = excellent
round-grade-competent = competent
round-grade-basically-competent = basically competent
round-grade-incompetent = incompetent
round-grade-good = good
round-grade-fairly-good = fairly good
round-grade-average = average
round-grade-poor = poor
round-dimension-integrity = integrity
round-dimension-ability = ability
round-dimension-diligence = diligence
round-dimension-performance = performance
round-dimension-honesty = honesty
round-grade-not-on-official-scale = { $grade } is not on the official scale
round-grade-not-on-team-scale = { $grade } is not on the team scale
# An official a ballot or a sheet names who is not in the round: only the id is known.
round-official-not-in-round = official { $id }
round-team = the team
# One dimension of one official, as in "Zhou Jianjun (integrity)".
round-subject-dimension = { $subject } ({ $dimension })

## A problem in a round definition, for the organiser

round-text-length = must be 1 to { $max } characters
round-text-unstorable = must not hold the character NUL (U+0000), which cannot be stored
round-def-identifier = must be 1 to 64 of a-z, 0-9, `_` and `-`, starting with a letter or digit
round-def-too-many = at most { $max } entries, found { $count }
round-def-no-subjects = a round grades at least one official or the team
round-def-official-id = must be a positive id
round-def-official-twice = { $official } (official { $id }) is listed twice
round-def-leader-unknown = official { $id } is not among the round's officials
round-def-dimension-twice = dimension "{ $dimension }" is listed twice
round-def-no-groups = a round has at least one elector group
round-def-group-twice = elector group `{ $id }` ({ $group }) is listed twice
round-def-weight = the weight of { $group } is a finite number greater than 0
round-def-score = the score of { $grade } is a finite number
round-def-rule-twice = flag rule `{ $id }` ({ $rule }) is listed twice
round-def-consecutive = must be 1 to { $max }
round-def-no-grades = name at least one grade
round-def-disclosure = minimum group sizes are at least 1

## A problem in a ballot or a tally sheet

round-group-not-in-round = elector group `{ $group }` is not in this round
round-subject-not-in-round = { $subject } is not graded in this round
round-dimension-not-in-round = this round does not grade "{ $dimension }"
round-ballot-graded-twice = { $subject } is graded twice
round-ballot-team-dimensions = the team is graded as a whole, without dimensions
round-tally-valid-invalid = valid ({ $valid }) + invalid ({ $invalid }) must equal returned ({ $returned })
round-tally-two-entries = { $subject } has two entries
round-tally-sum = { $subject }: grades + abstentions = { $sum }, but there are { $valid } valid ballots
round-tally-dimension-not-in-round = { $subject } is not graded on "{ $dimension }" in this round
round-tally-dimension-missing = the counts of { $subject } on "{ $dimension }" are missing
round-tally-subject-missing = the counts for { $subject } are missing
round-tally-exceeds-rule = { $valid } valid ballots hold at most { $allowed } marks { $grade } (at most { $max } per ballot), the sheet records { $marked }
round-tally-void = { $returned } ballots were returned but only { $issued } issued: the vote at this station is void (作废) and must be held again

## A typed ballot code that is not a code

round-code-wrong-length = a ballot code has 12 characters, this has { $found }
round-code-invalid-character = `{ $character }` (character { $position }) is not used in ballot codes
round-code-no-zero = `{ $character }` (character { $position }) is not used in ballot codes: codes use no 0 or O
round-code-no-one = `{ $character }` (character { $position }) is not used in ballot codes: codes use no 1 or I
round-code-typo = this code contains a typo: check each character against the slip

## The counts of a tally sheet, named in messages

round-count-issued = ballots issued
round-count-returned = ballots returned
round-count-valid = valid ballots
round-count-invalid = invalid ballots
round-count-grade = the { $grade } votes of { $subject }
round-count-abstentions = the abstentions of { $subject }
round-tally-too-many = { $count } cannot be more than { $max }: no polling station counts that many
