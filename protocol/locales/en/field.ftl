# Words of the field officers' offline web app (/field). The script fills in variables
# written { $name }; keep them plain (no selectors), as the app substitutes them itself.

field-title = Field collection
field-loading = Loading…
field-needs-script = This app needs JavaScript. Use the canvass client on a laptop instead.
field-not-found-heading = Not found
field-not-found = The field app has no such file.
field-other-language = 中文
field-online = Online
field-offline = Offline: answers are kept on this phone

## Signing in

field-signin-heading = Sign in
field-signin-note = Sign in once with network; afterwards the app works with none.
field-signin-kept = { $count } answer(s) collected earlier are still on this phone and go out at the next push.
field-username = Account name
field-password = Password
field-device = Name of this phone
field-device-default = Field phone
field-signin = Sign in
field-signin-offline = No network: signing in needs a connection once.
field-signed-in-as = Signed in as { $name }
field-signout = Sign out (the queued answers stay on this phone)

## Storage

field-storage-not-persistent = The browser did not promise to keep this app's data: it may delete queued answers when the phone runs low on space. Push often, or add the app to the home screen.
field-storage-low = The phone is running out of storage space: push the queued answers now.

## The queue

field-queue-heading = Waiting to be sent
field-queue-count = { $count } item(s) queued
field-queue-oldest = Oldest: { $age }
field-queue-last-push = Last push: { $outcome }
field-age-minutes = { $count } minute(s) ago
field-age-hours = { $count } hour(s) ago
field-age-days = { $count } day(s) ago
field-push = Push now
field-push-never = never
field-push-stored = { $count } item(s) stored by the server and removed from this phone.
field-push-set-aside = { $count } item(s) refused and set aside below.
field-push-nothing = Nothing to send.
field-push-offline = No network: nothing was lost; the same batch goes out at the next push.
field-push-later = The server could not take the batch now ({ $message }); the same batch goes out at the next push.
field-push-signin = The sign-in has expired or was revoked: sign in again, then push. Nothing was lost.
field-push-foreign-receipt = The server acknowledged another batch than the one sent; nothing was removed. Tell your organiser.

## Surveys

field-surveys-heading = Surveys
field-pulled-at = Updated { $at }
field-no-surveys = No survey is open for your units. Update with network.
field-pull = Update surveys
field-pull-done = { $surveys } survey(s) ready to collect offline.
field-pull-unchanged = The surveys are up to date.
field-pull-offline = No network: the surveys already on this phone can still be collected.
field-resume = Continue the unfinished answers
field-draft-discard-confirm = Unfinished answers of another form are on this phone. Drop them and start this one?

## Collecting

field-back = ← Back
field-target = Which unit is rated
field-choose-target = Choose the unit the answers are about.
field-village = Where the respondent lives (optional)
field-village-none = Not given
field-channel = How the answers were taken
field-channel-field = Asked in person
field-channel-paper = Typed up from a paper form
field-finish = Save and start the next respondent
field-collect-problems = { $count } answer(s) need changing before saving.
field-saved = Saved on this phone. { $count } item(s) queued.

## Items the server refused

field-refused-heading = Needs attention ({ $count })
field-refused-retry = Send again
field-refused-discard = Discard
field-refused-discard-confirm = Discard this item for good?
field-refused-fix = Fix the answers
field-item-closed = The survey was closed: the answers can no longer be counted; discard them.
field-item-not-open = The survey is not open yet: send again once it opens.
field-item-version = The form changed on the server: update the surveys, then collect again and discard this one.
field-item-target = The unit is no longer rated by this survey: discard, or ask your organiser.
field-item-gone = The survey or round no longer exists: discard.
field-item-scope = The survey lies outside your units: ask your organiser.
field-item-day = The collection day is not accepted (check the phone's date): discard or ask your organiser.
field-item-round = The round no longer takes tally sheets: ask your organiser.
field-item-sheet-exists = This station's sheet was entered already: an organiser corrects it.
field-item-counts = The sheet's numbers do not add up: check the paper sheet.
field-item-answers = The answers do not fit the form on the server: update the surveys and collect again.
field-item-other = The server refused this item:

## Paper tally sheets

field-rounds-heading = Tally sheets of appraisal rounds
field-sheet-heading = Tally sheet
field-sheet-note = Type the counts as the counters wrote them on the paper sheet; a blank box counts 0.
field-sheet-station = Polling station
field-sheet-group = Elector group
field-sheet-ballots = Ballots
field-sheet-issued = Issued
field-sheet-returned = Returned
field-sheet-valid = Valid
field-sheet-invalid = Invalid
field-sheet-abstentions = Abstentions
field-sheet-save = Save the sheet
field-sheet-saved = Tally sheet saved on this phone.
field-sheet-void = More ballots were returned than issued: the vote at this station is void and must be held again.
field-sheet-resume = Continue the unfinished tally sheet
field-sheet-station-missing = Name the polling station.
field-sheet-count-invalid = { $what }: enter a whole number from 0 to { $max }.
field-sheet-valid-invalid = Valid { $valid } + invalid { $invalid } should equal returned { $returned }.
field-sheet-subject-sum = { $name }: the grades and abstentions add up to { $sum }, but there are { $valid } valid ballots.
field-sheet-quota = More "{ $grade }" marks than the rule allows (at most { $max } per ballot): check the paper sheet.
