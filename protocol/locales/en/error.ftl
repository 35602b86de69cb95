# The default message of every error code (error-<code>), and the error messages shared by
# server and client. A message names the field by the label the reader knows.

error-unrecognised = The server reported an error this version does not know.
error-malformed-json = The request body is not well-formed JSON.
error-invalid-type = { $field } has the wrong type.
error-unknown-field = { $field } is not a field this request takes.
error-missing-field = { $field } is missing.
error-invalid-value = { $field } is not acceptable.
error-duplicate-key = The same key is given twice; send each one once.
error-unstorable-text = The text holds a character that cannot be stored (NUL, U+0000); remove it.
error-payload-too-large = The request is larger than this address accepts.
error-unsupported-media-type = Send the body as JSON (Content-Type: application/json).
error-invalid-id = That is not a valid id.
error-invalid-query = The query string could not be understood.
error-route-not-found = There is no such address.
error-method-not-allowed = This address does not take that method.
error-unauthenticated = Sign in first.
error-invalid-credentials = The username or password is wrong.
error-too-many-attempts = Too many failed sign-ins; try again later.
error-invalid-token = The sign-in is not valid; sign in again.
error-token-expired = The sign-in has expired; sign in again.
error-token-revoked = This device was signed out; sign in again.
error-account-disabled = This account is disabled; ask an administrator.
error-forbidden = Your account's role may not do this.
error-out-of-scope = This lies outside the units your account is responsible for.
error-not-found = There is no such object.
error-username-taken = That username is taken.
error-invalid-parent = A unit of this kind cannot be placed there.
error-unit-in-use = The unit is still in use and cannot be deleted.
error-conflict = This conflicts with an existing object.
error-internal-error = The server failed to handle this request; the error has been logged.
error-service-unavailable = The server cannot reach its database right now; try again shortly.
error-invalid-definition = The definition is not valid.
error-survey-not-open = This survey is not open yet.
error-survey-closed = This survey is closed.
error-survey-code-required = This survey takes one answer per household: enter the code from your door card or slip.
error-survey-code-invalid = This code was not issued for this survey and unit; check it and type it again.
error-survey-code-used = This code has already been used for an answer.
error-survey-codes-off = This survey does not require survey codes; require them before its first publication to hand out codes.
error-survey-codes-village = Village is not one whose residents this survey asks.
error-survey-codes-fixed = Whether answers need survey codes is fixed once the survey is published.
error-version-not-published = This version of the form was never published.
error-wrong-target = That is not one of this survey's target units.
error-already-published = This cannot change once published.
error-nothing-to-publish = There is no draft to publish.
error-rate-limited = Too many submissions from your network; try again shortly.
error-round-not-open = This round is not open for voting.
error-round-state-conflict = The round's status does not allow this.
error-ballot-code-unknown = No such ballot code was issued.
error-ballot-code-used = This ballot code has already been used.
error-ballot-code-other-round = This code belongs to another round.
error-tally-sheet-exists = A tally sheet for this station exists; correct it instead.
error-results-not-published = The results are not published yet.
error-protocol-unsupported = This client is too old for the server; update it.
error-batch-conflict = A batch with this id was stored with other content.
error-batch-refused = The batch was refused; nothing of it was stored.
error-batch-size = The batch is empty or too large.
error-invalid-day = The day is not a valid date, or lies in the future.
error-duplicate-id = The id is used twice.
error-unknown-scale = There is no such rating scale.
error-invalid-show-if = The skip rule does not name an earlier question and a value it can take.
error-invalid-limits = The limits are impossible.
error-unknown-question = This form has no such question.
error-invalid-option = That is not one of the question's options.
error-out-of-range = The number is out of range.
error-text-too-long = The text is too long.
error-required-answer-missing = This question must be answered.
error-hidden-question-answered = This question is skipped by an earlier answer and must be left blank.
error-invalid-answer = The answer does not fit the question.
error-round-has-no-subjects = A round needs officials or a team to grade.
error-round-has-no-elector-groups = A round needs at least one elector group.
error-duplicate-subject = An official is listed twice.
error-duplicate-elector-group = Two elector groups share an id.
error-duplicate-dimension = A dimension is listed twice.
error-duplicate-flag-rule = Two flag rules share an id.
error-invalid-group-weight = An elector group's weight must be a number above 0.
error-unknown-elector-group = The round has no such elector group.
error-unknown-subject = The round does not grade this official.
error-grade-not-on-scale = That grade is not on this scale.
error-dimension-not-in-round = The round does not grade this dimension.
error-tally-returned-exceeds-issued = More ballots returned than issued: this station's vote is void.
error-tally-valid-invalid-mismatch = Valid and invalid ballots do not add up to the ballots returned.
error-tally-subject-sum-mismatch = The grades and abstentions do not add up to the valid ballots.
error-tally-subject-missing = The sheet has no counts for an official of the round.
error-tally-dimension-missing = The sheet has no counts for a dimension of an official.
error-tally-exceeds-validity-rule = More marks of a grade than the valid ballots can hold.
error-ballot-code-wrong-length = A ballot code has 12 characters.
error-ballot-code-invalid-character = The code has a character never used in codes.
error-ballot-code-check-mismatch = The code was mistyped; check it and type it again.

# The server's own error messages, area by area. A message that names a field names it by the
# label its reader knows (an official's name, a unit's name) where there is one.

## What does not exist

error-no-such-unit = There is no such unit.
error-no-such-account = There is no such account.
error-no-such-device = There is no such device.
error-no-such-survey = There is no such survey.
error-no-such-survey-version = This survey has no such version.
error-no-such-round = There is no such appraisal round.
error-no-such-official = There is no such official.
error-no-such-page = There is no such page.
error-no-route = There is nothing at { $method } { $path }.

## The request itself

error-body-too-large = The request is larger than the { $limit } bytes this address accepts.
error-body-unreadable = The request body could not be read: { $detail }
error-json-malformed = The body is not valid JSON: { $detail }
error-json-wrong-shape = The body does not have the shape this request takes: { $detail }
error-json-invalid-type = { $field } has the wrong type: { $detail }
error-json-duplicate-key = { $field } is given twice; send it once.
error-json-invalid-value = { $field } is not acceptable: { $detail }
error-invalid-query-detail = The query string could not be understood: { $detail }
error-sign-in-first = Sign in first: send the header Authorization: Bearer <token>.
error-bearer-token-expected = Send the token as Authorization: Bearer <token>.
error-protocol-version = This server speaks sync protocol { $version } (header { $header }); the client sent { $sent }. Install the canvass client that matches this server.
error-protocol-sent-none = none
error-rate-limited-wait = Too many submissions from your network; try again in { $seconds } seconds.
error-too-many-attempts-wait = Too many failed sign-ins; try again in { $seconds } seconds.
error-form-action = The form asked for something this page does not do (it takes: { $known }).

## Roles and what they may do

error-role-may-not = The { $role } role may not { $action }.
error-role-admin = administrator
error-role-organiser = organiser
error-role-leader = leader
error-role-officer = field officer
error-action-create-units = create units
error-action-change-units = change units
error-action-delete-units = delete units
error-action-list-accounts = list accounts
error-action-create-accounts = create accounts
error-action-change-accounts = change accounts
error-action-see-other-accounts = see other accounts
error-action-manage-surveys = manage surveys
error-action-read-survey-results = read survey results
error-action-manage-officials = manage the roster of officials
error-action-manage-rounds = set up or run appraisal rounds
error-action-generate-ballot-codes = generate ballot codes
error-action-enter-tally-sheets = enter tally sheets
error-action-read-tally-sheets = read tally sheets
error-action-read-round-results = read appraisal results
error-action-collect-in-the-field = collect or upload answers in the field
error-action-manage-instruments = manage surveys and appraisal rounds
error-action-read-audit-log = read the audit log
error-action-read-rectification = read the rectification ledger
error-action-manage-rectification = manage rectification items
error-action-write-rectification-report = write a rectification report
error-metrics-refused = The metrics are served only to the server itself (loopback, not through a proxy) or with the metrics token.

## Sign-in and accounts

error-current-password-wrong = The current password is wrong.
error-device-name-empty = The device name is empty.
error-device-name-too-long = The device name is longer than { $max } characters.
error-display-name-empty = The display name is empty.
error-display-name-too-long = A display name has at most { $max } characters and no control characters.
error-username-taken-named = The username { $username } is taken.
error-account-own-change = You cannot disable your own account or change its role or unit; ask another administrator.

## Units

error-unit-name-empty = The unit's name is empty.
error-unit-name-too-long = A unit's name has at most { $max } characters.
error-unit-name-control-characters = The unit's name contains control characters.
error-unit-own-cannot-move = You cannot move the unit your account belongs to.
error-unit-under-itself = { $unit } cannot be moved under itself or one of its own units ({ $parent }).
error-unit-needs-parent = A { $kind } needs a parent unit.
error-unit-cannot-stand-under = A { $kind } cannot stand under a { $parent }.
error-unit-in-use-named = { $unit } still has units, accounts, officials, surveys, rounds or answers that point to it and cannot be deleted; retire it instead.
error-unit-kind-county = county
error-unit-kind-township = township
error-unit-kind-department = county department
error-unit-kind-village = village
error-unit-kind-community = community

## Surveys

error-group-size-range = The minimum group size is between { $min } and { $max }.
error-survey-closes-before-opening = A survey must close after it opens.
error-time-implausible = That is not a plausible time (seconds since 1970).
error-survey-no-targets = A survey rates at least one unit.
error-survey-too-many-targets = A survey rates at most { $max } units.
error-survey-target-twice = { $unit } is listed twice as a unit rated.
error-target-outside-owner = { $unit } is not under { $owner }, which owns the survey.
error-survey-owner-missing = Say which unit owns the survey.
error-survey-targets-fixed = The units rated cannot change once answers are stored.
error-survey-group-size-fixed = The minimum group size is fixed when the survey is published.
error-survey-no-draft = There is no draft version to publish; edit the definition first.
error-survey-publish-without-targets = A survey needs at least one unit to rate before it is published.
error-survey-publish-first = Publish the survey first.
error-respondent-unit-invalid = That is not a village or community of this survey's area.

## Appraisal rounds, ballot codes and tally sheets

error-text-length = Write 1 to { $max } characters, without control characters.
error-round-group-size-minimum = The minimum group size is at least { $min }.
error-official-not-on-roster = { $name } is not on the roster; add the official first.
error-official-outside-owner = { $name } belongs to a unit outside { $owner }, which owns the round.
error-round-owner-missing = Say which unit owns the round.
error-round-changed-after-draft = A round can only be changed while it is a draft.
error-round-official-unknown = The official chosen is not on the roster; choose one from the list.
error-round-series-unknown = Choose a series from the list, or choose "new series" and name it.
error-round-dimension-unknown = Dimensions are integrity, ability, diligence, performance and honesty only.
error-round-flags-unknown = Choose one of the flag rules listed.
error-round-quota = The quota of "excellent" must be a whole number from 1 to { $max } (the number of officials graded).
error-round-quota-no-officials = The round grades no official, so it cannot have a quota of "excellent".
error-round-group-has-codes = Ballot codes were generated for the elector group { $group } ({ $id }); it cannot be removed from the round.
error-round-cannot-become = A round that is { $from } cannot become { $to }.
error-round-status-draft = a draft
error-round-status-open = open
error-round-status-closed = closed
error-round-status-published = published
error-codes-before-or-during = Ballot codes are generated before or during the meeting.
error-no-such-elector-group = The round has no elector group { $group }.
error-codes-count = Generate 1 to { $max } codes at a time.
error-code-other-elector-group = The code belongs to another elector group.
error-sheets-while-open-or-closed = Tally sheets are entered while the round is open or closed, before its results are published.
error-sheet-entered-already = The sheet of { $station } is entered already; submit a correction instead.
error-sheet-entered-meanwhile = The sheet of { $station } was entered by someone else at the same moment.
error-no-sheet-for-station = { $station } has no sheet to correct yet.

## Field sync

error-collection-day = The collection day is not a YYYY-MM-DD date up to today.
error-batch-id-format = A batch id is 32 lowercase hexadecimal characters.
error-batch-id-reused = A batch with this id was stored with other content; a batch id is never reused.
error-batch-size-count = A batch carries 1 to { $max } items; this one has { $count }.
error-batch-items-invalid = { $items ->
        [one] One item of this batch is invalid; nothing of the batch was stored.
       *[other] { $items } items of this batch are invalid; nothing of the batch was stored.
    }
error-batch-station-twice = This batch carries two sheets for { $station }.

## The organiser's console: retired units, temporary passwords, the roster

error-unit-retired = { $unit } has been retired: no unit or official can be added under it.
error-unit-retired-target = { $unit } has been retired and cannot be the target of a survey.
error-unit-own-cannot-retire = You cannot retire the unit your account belongs to.
error-unit-retire-children-first = { $unit } still has { $count ->
        [one] one unit
       *[other] { $count } units
    } below it that are not retired: retire them first.
error-unit-import-root-out-of-scope = Only an administrator of the whole installation can add a county.
error-unit-import-nothing = The file has no rows to import.
error-account-role-above-own = You cannot give an account a role above your own ({ $role }).
error-account-must-change-password = Change your temporary password first.
error-official-import-nothing = The file has no officials to import.
error-password-repeat-differs = The two new passwords differ.
error-official-order = The order must be a whole number from 0 to { $max }.

## Submission keys

error-submission-key = A submission key has 16 to 64 characters, each a letter, a digit, '_' or '-'.

## Rectification

error-survey-not-closed = Results can be published only once the survey is closed.
error-results-already-published = This survey's results are published already.
error-rectification-closed = This rectification item is accepted and closed: nothing more can be added to it.
error-rectification-awaiting-review = A report of this item waits for the organiser; write again only once it is sent back.
error-rectification-not-reported = This item has no report waiting to be accepted or sent back.
error-rectification-exists = { $unit } already has a rectification item for this survey or round.
error-attachment-type = An attachment must be a PDF, JPEG, PNG, XLSX or DOCX file.
error-attachment-type-of = { $file } is not a PDF, JPEG, PNG, XLSX or DOCX file.
error-attachment-too-large = { $file } is larger than { $limit } MB.
error-attachment-too-many = At most { $max } files can be attached to one report.
error-attachment-unreadable = { $file } could not be read (its content is not base64).
error-attachment-empty = { $file } is empty.
error-no-such-rectification-item = There is no such rectification item.
error-no-such-attachment = There is no such attachment.
error-rectification-not-own-unit = Only the leaders' accounts of { $unit } write its rectification report.
error-rectification-text-too-long = { $field } can have at most { $max } characters.
error-due-date-invalid = The due date must be a date written YYYY-MM-DD.
error-due-date-past = The due date { $day } has passed already.
error-rectification-source = Name either a survey and a unit, or a round and an official.
error-rectification-not-target = { $unit } is not rated by this survey.
error-rectification-survey-open = Items can be added to a survey only once it is closed.
error-rectification-round-unpublished = Items can be added to a round only once its results are published.
error-rectification-not-flagged = { $official } has no flag in this round.
error-invalid-filter = “{ $value }” is not a value this filter takes.
error-attachment-too-many-bytes = A report carries at most { $max } files of { $mb } MB each.
error-unit-population = Population must be a whole number from 0 to { $max }.
