# Words of the audit log: its page in the console, its export, and the chain head printed pages carry.

## The page

audit-heading = Audit log
audit-nav = Audit log
audit-intro = What organisers and administrators of your units did, newest first: who, what, to which object and when. The log never holds an answer, a ballot or a code.
audit-chain-holds = The log holds: all { $entries } entries were checked, each pointing back to the one before. Its head: { $head }
audit-chain-broken = The log was changed: entry { $entry } does not hold ({ $why }). Entries 1 to { $verified } hold.
audit-filter-action = Action
audit-filter-any-action = All actions
audit-filter-actor = Account
audit-filter-from = From (YYYY-MM-DD)
audit-filter-to = To (YYYY-MM-DD)
audit-filter-page = Page
audit-filter-button = Filter
audit-filter-clear = Show all
audit-export = Export these entries (CSV)
audit-none = No entry matches.
audit-pages = Page { $page } of { $pages } ({ $total } entries)
audit-newer = Newer entries
audit-older = Older entries

## Columns, on the page and in the export

audit-column-entry = No.
audit-column-time = Time
audit-column-actor = Account
audit-column-what = Action
audit-column-object-kind = Object kind
audit-column-object = Object
audit-column-details = Details
audit-column-hash = Entry hash
audit-export-name = Audit log

## Problems with the filters

audit-error-action = Choose an action from the list.
audit-error-actor = An account name has at most { $max } characters.
audit-error-day = Write a day as YYYY-MM-DD, for example 2026-12-07.
audit-error-days-order = The last day cannot come before the first.
audit-error-page = A page is a whole number from 1.

## What was done

audit-action-sign-in = Signed in
audit-action-unit-create = Created a unit
audit-action-unit-update = Changed a unit
audit-action-unit-delete = Deleted a unit
audit-action-unit-import = Imported a unit list
audit-action-account-create = Created an account
audit-action-account-update = Changed an account
audit-action-account-reset-password = Reset a password
audit-action-account-change-password = Changed their own password
audit-action-device-revoke = Revoked a device
audit-action-official-create = Added an official
audit-action-official-update = Changed an official
audit-action-official-import = Imported the roster of officials
audit-action-survey-create = Created a survey
audit-action-survey-update = Changed a survey
audit-action-survey-publish = Published a survey version
audit-action-survey-open = Opened a survey
audit-action-survey-close = Closed a survey
audit-action-survey-publish-results = Published a survey's results
audit-action-rectification-create = Added a rectification item
audit-action-rectification-set-due = Set a rectification due date
audit-action-rectification-report = Wrote a rectification report
audit-action-rectification-return = Sent a rectification report back
audit-action-rectification-accept = Accepted a rectification report
audit-action-rectification-export = Exported the rectification ledger
audit-action-survey-print-questionnaire = Printed a paper questionnaire
audit-action-survey-export-answers = Exported a survey's answers
audit-action-survey-export-results = Exported a survey's results
audit-action-round-create = Created an appraisal round
audit-action-round-update = Changed an appraisal round
audit-action-round-draft = Returned a round to draft
audit-action-round-open = Opened a round for voting
audit-action-round-closed = Closed a round
audit-action-round-published = Published a round's results
audit-action-round-set-stations = Set the polling stations expected
audit-action-round-print-ballot = Printed ballot papers
audit-action-round-print-tally-sheet = Printed a blank tally sheet
audit-action-round-export-results = Exported a round's results
audit-action-ballot-codes-generate = Generated ballot codes
audit-action-survey-codes-generate = Generated survey codes
audit-action-survey-codes-print-slips = Printed survey-code slips
audit-action-tally-sheet-enter = Entered a tally sheet
audit-action-tally-sheet-correct = Corrected a tally sheet
audit-action-audit-export = Exported the audit log

## To what

audit-object-unit = Unit
audit-object-units = Units
audit-object-account = Account
audit-object-official = Official
audit-object-officials = Officials
audit-object-round = Appraisal round
audit-object-survey = Survey
audit-object-rectification = Rectification item
audit-object-how-many = { $count } in all
audit-object-number = no. { $id } (no longer exists)
audit-detail-version = version { $value }
audit-detail-group = elector group { $value }
audit-detail-count = { $value } codes
audit-detail-station = station { $value }
audit-detail-stations = { $value } stations
audit-detail-device = device { $value }
audit-detail-survey-codes = { $value } survey codes
audit-detail-unit = unit rated { $value }
audit-detail-village = village { $value }
audit-list-separator = {", "}

## On printed pages and exports

audit-chain-head = Audit log: entry { $entry }, head { $head }
