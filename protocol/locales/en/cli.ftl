# Words of the canvass command-line client. Plain English for field officers and organisers;
# the command names (`canvass push`) stay as they are typed.

## Errors and the advice that goes with them

cli-error-not-signed-in = Not signed in on this computer. Run `canvass login --server URL --username NAME` first.
cli-error-terminal = Cannot read from or write to the terminal: { $reason }
cli-error-file = Cannot { $action } { $path }: { $reason }. Check that the directory exists and is yours.
cli-file-create = create
cli-file-inspect = inspect
cli-file-restrict = restrict the permissions of
cli-file-read = read
cli-file-write = write
cli-file-replace = replace
cli-file-flush = flush
cli-file-remove = remove
cli-error-bad-server-url = The server address “{ $url }” is not a valid http:// or https:// address; write it like https://canvass.example.gov.cn or http://192.168.1.10:8080
cli-error-unreachable = Cannot reach the server at { $url }: { $reason }. Check the network and the address, then try again.
cli-error-server-said = The server says: { $message } [{ $code }, HTTP { $status }]
cli-error-unexpected = The server answered HTTP { $status } with something that is not the canvass API ({ $body }). Check that the address points to a canvass server.
cli-wait-a-while = a few minutes
cli-wait-seconds = { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
}
cli-wait-minutes = { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}
cli-advice-invalid-credentials = Check the username and the password and try again (the server does not say which one is wrong).
cli-advice-too-many-attempts = Too many failed sign-ins for this account or from this computer. Wait { $wait } and try again.
cli-advice-rate-limited = The server is refusing requests from this address for now. Wait { $wait } and try again.
cli-advice-unauthenticated = Run `canvass login` first.
cli-advice-invalid-token = The server does not recognise this computer's sign-in (its signing key may have changed, or the token was damaged). Run `canvass login` again.
cli-advice-token-expired = This device's sign-in has expired (token expired). Run `canvass login` again.
cli-advice-token-revoked = This device was signed out (token revoked): by `canvass logout`, by an administrator, or because the account's password was changed. Run `canvass login` again.
cli-advice-account-disabled = Your account is disabled, so the server refuses everything it sends. Ask your administrator to enable it.
cli-advice-forbidden = Your account cannot do this for that unit: its role does not allow it. Ask an organiser or administrator of the unit.
cli-advice-out-of-scope = Your account cannot do this for that unit: it is outside the units your account covers. Check the unit or survey id, or ask an account of a higher unit.
cli-advice-not-found = Check the id: `canvass survey list` and `canvass round list` show what your account can see.
cli-advice-upgrade-server = The server does not offer this; it probably runs an older version of canvass. Ask the administrator to upgrade the server.
cli-advice-service-unavailable = Try again in a few minutes; if it keeps happening, tell the administrator.
cli-advice-internal-error = Try again; if it keeps failing, tell the administrator (the cause is in the server's log).
cli-advice-protocol-unsupported = This canvass client speaks another version of the field sync protocol than the server. Upgrade canvass on this computer; nothing collected is lost, it stays queued here.
cli-advice-batch-conflict = This should never happen; nothing was changed here. Stop and tell the administrator.
cli-advice-client-defect = Upgrade canvass or tell the administrator.
cli-advice-invalid-definition = Fix every problem listed and try again.
cli-advice-round-state = `canvass round list` shows each round's status; see docs/cli.md for the order open → close → publish.
cli-advice-survey-state = `canvass survey list` shows each survey's status and versions.
cli-error-no-config-dir = Cannot tell where to keep the sign-in: this computer has no configuration directory. Set CANVASS_CONFIG_DIR to a private directory and try again.
cli-error-credentials-damaged = The sign-in file { $path } is damaged ({ $reason }). Run `canvass logout` to remove it, then `canvass login` again.
cli-error-no-data-dir = Cannot tell where to keep the collected answers: this computer has no data directory. Set CANVASS_DATA_DIR to a private directory and try again.
cli-error-store-unusable = The local store { $path } cannot be used: { $reason }. If another `canvass` command is running, wait for it to finish; if the disk is full, free some space.
cli-error-store-too-new = The local store { $path } was written by a newer version of canvass (schema { $found }). Upgrade canvass on this computer.
cli-error-store-damaged = The local store { $path } holds damaged data ({ $reason }).

## The cached forms

cli-error-no-forms = No forms are cached on this computer yet. Run `canvass pull` while you have network, then try again.
cli-error-no-such-survey = There is no survey “{ $reference }” among the forms cached here (cached: { $known }). Run `canvass pull` to fetch the latest forms, or check the id or slug.
cli-error-no-such-survey-none = There is no survey “{ $reference }” among the forms cached here (none are open for your units). Run `canvass pull` to fetch the latest forms, or check the id or slug.
cli-error-no-version = Survey { $survey } has no published version in the cached forms. Run `canvass pull`.
cli-error-no-such-unit = “{ $reference }” is not one of these: { $known }.
cli-error-no-such-round = There is no appraisal round “{ $reference }” among the rounds cached here (cached: { $known }). Run `canvass pull` to fetch the latest, or check the round id.
cli-error-no-such-round-none = There is no appraisal round “{ $reference }” among the rounds cached here (none are open for your units). Run `canvass pull` to fetch the latest, or check the round id.
cli-instrument-survey = survey { $id } { $name }
cli-instrument-round = round { $id } { $name }
cli-unit-by-id = unit { $id }
cli-channel-field = asked
cli-channel-paper = paper form
cli-item-response = { $target }, { $how } on { $day }, form version { $version }
cli-item-response-village = { $target }, respondent from { $village }, { $how } on { $day }, form version { $version }
cli-item-sheet = station { $station }, group { $group }: { $issued } issued, { $returned } returned, { $valid } valid, { $invalid } invalid
cli-item-sheet-void = (void station)

## Why the server refused an item, and what to do

cli-item-survey-closed = The survey was closed on the server; these answers can no longer be counted. Ask the organiser, or discard them (`canvass discard ITEM`).
cli-item-survey-not-open = The survey is not open on the server (not yet opened, or outside its answering window). Ask the organiser to open it, then run `canvass push` again; or discard the item.
cli-item-version-not-published = The form version these answers were given on is no longer accepted (it was withdrawn). Run `canvass pull`, then `canvass fix ITEM` to answer on the current version, or discard the item.
cli-item-wrong-target = The unit rated is not one of the survey's targets (any more). Run `canvass pull`, then `canvass fix ITEM` and choose a target from the list.
cli-item-not-found = The survey, round or unit no longer exists on the server. Ask the organiser; if it was deleted on purpose, discard the item.
cli-item-out-of-scope = Your account may not submit for that survey, round or unit (it is outside the units your account covers). Ask the organiser; if the item belongs to someone else's units, sign in with that account or discard it.
cli-item-round-not-open = The appraisal round does not take tally sheets now (it is still a draft or its results are published). Ask the organiser, or discard the sheet.
cli-item-tally-sheet-exists = A tally sheet for this polling station and elector group is already on the server. A correction is made by the organiser on the server, visibly; if this one is a second copy, discard it.
cli-item-invalid-day = The collection day is not acceptable to the server (not a real date, or in the future). Run `canvass fix ITEM` and give the right day.
cli-item-answers-do-not-fit = An answer does not fit the form the server holds (the form probably changed since it was collected). Run `canvass pull`, then `canvass fix ITEM` to correct the answers.
cli-item-sheet-does-not-fit = The tally sheet does not fit the round as the server holds it (the round probably changed). Run `canvass pull`, then `canvass fix ITEM` to enter the sheet again.
cli-item-counts-do-not-add-up = The counts on the tally sheet do not add up. Check the paper sheet, then run `canvass fix ITEM` to correct the counts.
cli-item-too-large = The item is too large to send. Run `canvass fix ITEM` to shorten its texts, or discard it.
cli-item-unreadable = The server could not read the item. Run `canvass fix ITEM` to enter it again; if that does not help, upgrade canvass or tell the administrator.
cli-item-refused = The server refused the item. Read the server's reason below, then fix it (`canvass fix ITEM`) or discard it.

## canvass status

cli-status-store = Local store: { $path }
cli-status-server = Server: { $server }; forms pulled { $pulled } (checked { $checked }): { $surveys ->
    [one] { $surveys } survey
   *[other] { $surveys } surveys
}, { $rounds ->
    [one] { $rounds } round
   *[other] { $rounds } rounds
}.
cli-status-server-no-forms = Server: { $server }; no forms cached.
cli-status-no-pull = No forms pulled yet: run `canvass pull`.
cli-status-nothing = Nothing collected yet.
cli-status-col-instrument = INSTRUMENT
cli-status-col-queued = QUEUED
cli-status-col-batched = IN BATCH
cli-status-col-attention = ATTENTION
cli-status-col-sent = SENT
cli-status-col-discarded = DISCARDED
cli-status-sent-kept = { $sent } ({ $kept } kept)
cli-status-pending-batch = A batch of { $items ->
    [one] { $items } item
   *[other] { $items } items
} (id { $id }) was sent but its receipt not yet received; `canvass push` sends it again, unchanged, before anything else.
cli-status-to-push = { $items ->
    [one] { $items } item
   *[other] { $items } items
} to push: run `canvass push` when you have network.
cli-status-attention = Needs attention ({ $items }): the server refused these. Fix one with `canvass fix ITEM` or drop it with `canvass discard ITEM`.
cli-status-item = { "  " }item { $id }: { $instrument }, { $what }
cli-status-server-said = server: { $message }
cli-status-server-said-field = server: { $message } ({ $field })

## canvass fix and canvass discard

cli-error-no-such-item = There is no item { $id } on this computer. `canvass status` lists the items that need attention.
cli-error-no-such-item-listed = There is no item { $id } on this computer. The items that need attention are: { $known }.
cli-item-state-queued = queued for the next push
cli-item-state-batched = in a batch being sent
cli-item-state-sent = already stored by the server
cli-item-state-attention = refused
cli-error-fix-not-refused = Item { $id } does not need attention (it is { $state }); only refused items are fixed.
cli-fix-intro = Fixing:
cli-error-discard-batched = Item { $id } is in a batch that was sent and not yet answered; it cannot be discarded now (the server may already have stored it). Run `canvass push` first.
cli-discard-what-refused = a refused item; the server never stored it
cli-discard-what-queued = not yet sent; its answers will be lost
cli-discard-what-sent = already stored by the server; only the copy here is deleted
cli-discard-ask = Discard item { $id } ({ $instrument }, { $what }): { $consequence }. This cannot be undone. Discard? [y/N]
cli-discard-help = { "  " }Type y and Enter to delete the item from this computer; anything else keeps it.
cli-error-discard-changed = Item { $id } changed while you were asked (another canvass command is running); nothing was discarded.
cli-fix-queued = Item { $id } is corrected and queued again; run `canvass push`.
cli-fix-stopped = Item { $id } was not changed; it still needs attention.
cli-discard-done = Item { $id } is discarded.
cli-discard-kept = Item { $id } was kept.

## The command line

cli-error-lang = “{ $lang }” is not a language canvass speaks: use zh or en
cli-error-batch-items = --batch-items “{ $given }”: a batch holds 1 to { $max } items.
cli-error-flag-value = { $flag }: { $problem }
cli-separator = { ", " }

## The interview (canvass collect, canvass fix)

cli-interview-pick-number = Type a number from 1 to { $max }, or an option's id.
cli-interview-problems = The answers have problems:
cli-interview-first = This is the first question.
cli-interview-required = (required)
cli-interview-optional = (optional: Enter skips)
cli-interview-hint = { "    " }({ $hint })
cli-interview-hint-several = pick several: numbers separated by commas
cli-interview-hint-at-most = , at most { $max }
cli-interview-hint-at-least = , at least { $min }
cli-interview-hint-number = a number
cli-interview-hint-low = , 0 = { $label }
cli-interview-hint-high = , 10 = { $label }
cli-interview-hint-long-text = one line of text; write \n for a new line
cli-interview-current = { "    " }Current answer: { $answer } (Enter keeps it, { $clear } clears it)
cli-interview-help = { "  " }Answer with an option's number or id; { $back } goes back a question; { $clear } leaves it unanswered; { $quit } stops (an unfinished answer set is not saved); start with \ to type these characters as text.

## canvass collect

cli-collect-intro = { $title } (version { $version }). Each finished answer set is saved on this computer at once. Type ? for help.
cli-collect-not-accepting = Note: the server does not accept answers to this survey right now (outside its window); they may be refused when pushed.
cli-collect-respondent = === Respondent { $number } ===
cli-collect-ask-target = Which unit is rated?
cli-collect-ask-village = Which village or community does the respondent live in?
cli-collect-unit-current = { "    " }Current: { $unit } (Enter keeps it)
cli-collect-unit-skip = { "    " }(Enter skips)
cli-collect-unit-type = { "  " }! Type a number or the unit's name.
cli-collect-unit-help = { "  " }Type the number in the list, the unit's id in brackets or its exact name; { $quit } stops.
cli-collect-unit-help-optional = { "  " }Type the number in the list, the unit's id in brackets or its exact name; Enter or - leaves it unanswered; { $quit } stops.
cli-collect-saved = Saved (item { $id }).
cli-collect-unfinished = The unfinished answer set was not saved.
cli-collect-done = { $count ->
    [one] { $count } answer set saved in this session.
   *[other] { $count } answer sets saved in this session.
} Run `canvass push` when you have network.
cli-error-check-flag = { $problem } Check { $flag }.
cli-error-fix-survey-gone = Survey { $survey } is not among the forms cached here (it is no longer open for your units). Run `canvass pull`; if it stays missing, the answers can only be discarded: `canvass discard { $id }`.
cli-fix-current-version = The answers are taken again on the current version { $version }.
cli-fix-ask-day = Day collected (YYYY-MM-DD, Enter for today { $today }):
cli-fix-bad-day = { "  " }! Write the day as YYYY-MM-DD, not in the future.
cli-fix-day-help = { "  " }The day the answers were collected, as YYYY-MM-DD (e.g. 2026-11-20); Enter takes today; { $quit } stops without changing the item.
cli-error-fix-changed = Item { $id } no longer needs attention (another canvass command changed it); nothing was changed.

## canvass tally

cli-tally-valid-invalid = valid ({ $valid }) + invalid ({ $invalid }) must equal returned ({ $returned }). Enter the valid and invalid counts again.
cli-tally-subject-dimension = { $subject } ({ $dimension })
cli-tally-sum = { $subject }: the grades plus abstentions add up to { $sum }, but there are { $valid } valid ballots. Enter these counts again.
cli-tally-issued = ballots issued (发出)
cli-tally-returned = ballots returned (收回)
cli-tally-valid = valid ballots (有效)
cli-tally-invalid = invalid ballots (废票)
cli-tally-abstentions = abstentions (弃权)
cli-tally-void = { $returned } ballots were returned but only { $issued } issued: the vote at this station is void (作废) and must be held again. The sheet is still recorded, as void, so the organiser sees it.
cli-tally-check-failed = The tally sheet does not check out:
cli-tally-keep = [now { $value }, Enter keeps it]
cli-tally-prompt = { $position } { $label }{ $keep }:
cli-tally-first = This is the first number.
cli-tally-help = { "  " }Type the count from the paper sheet (a whole number, 0 for none); { $back } goes back one; { $quit } stops without saving.
cli-tally-whole-number = { "  " }! Type a whole number, 0 or more.
cli-tally-every-count = { "  " }! Every count is needed; type 0 for none.
cli-error-round-unusable = The cached definition of round { $round } cannot be used ({ $problems }). Run `canvass pull`.
cli-error-tally-duplicate = A tally sheet for station “{ $station }” and elector group “{ $group }” is already entered here (item { $id }). A sheet is entered once; a correction is made by the organiser on the server.
cli-tally-ask-group = Elector group:
cli-tally-no-such-group = { "  " }! “{ $group }” is not an elector group of this round: { $known }.
cli-tally-group-help = { "  " }Type the group's number in the list, its id in brackets or its name; { $quit } stops.
cli-tally-type-group = { "  " }! Type a number or the group's id.
cli-error-no-such-group = “{ $group }” is not an elector group of this round. Its groups: { $known }. Check --group.
cli-error-no-station = Name the polling station with --station NAME.
cli-tally-intro = { $round } — station { $station }. Enter each count from the paper tally sheet; type ? for help.
cli-tally-not-saved = The tally sheet is not complete and was not saved.
cli-tally-saved = Tally sheet saved (item { $id }).
cli-tally-saved-void = Tally sheet saved as a void station (item { $id }).
cli-error-read-file = Cannot read { $path }: { $reason }. Check the path.
cli-error-not-utf8 = { $path } is not UTF-8 text. Save it in UTF-8 and try again.
cli-error-not-a-sheet = { $path } is not a tally sheet ({ $reason }). See docs/cli.md for its format.
cli-error-sheet-station = --station “{ $given }” does not match the station “{ $station }” in { $path }.
cli-error-sheet-group = --group “{ $given }” does not match the elector group “{ $group }” in { $path }.
cli-error-sheet-problems = The tally sheet in { $path } does not check out; nothing was saved:
    { $problems }

## canvass import

cli-import-line = line { $line }: { $problem }
cli-import-field = { $field }: { $problem }
cli-import-header-unreadable = the header cannot be read: { $reason }
cli-import-no-survey-column = there is no `survey` column; add one or give --survey
cli-import-no-target-column = there is no `target` column (the unit rated, by id or name)
cli-import-unnamed-column = column { $column } has no name
cli-import-column-twice = the column `{ $column }` appears twice
cli-import-unknown-column = the column `{ $column }` is not a question of survey { $survey } (question ids: { $known })
cli-import-row-unreadable = the row cannot be read: { $reason }
cli-import-not-the-survey = “{ $reference }” is not the survey given with --survey ({ $survey })
cli-import-empty-cell = the cell is empty
cli-import-no-such-version = “{ $reference }” is not a version of survey { $survey } that accepts answers (versions: { $known })
cli-import-bad-day = “{ $day }” is not a day written YYYY-MM-DD, not in the future
cli-import-question = question { $question }: { $problem } [{ $code }]
cli-import-not-utf8 = { $path } is not UTF-8 text. Save it as “CSV UTF-8” and import it again.
cli-import-imported-before = This file's content was imported before ({ $name }, on { $day }); importing it again would count the same paper forms twice. If that is really wanted, add --again.
cli-import-no-rows = { $path } has no rows to import.
cli-import-done = Imported { $count ->
    [one] { $count } paper answer set
   *[other] { $count } paper answer sets
} from { $path }; they are queued for `canvass push`.
cli-import-refused = { $path } has problems on { $lines ->
    [one] { $lines } line
   *[other] { $lines } lines
}; nothing was imported. Correct them and import the whole file again.

## canvass pull and canvass push

cli-pull-up-to-date = The forms cached here are up to date (the server reports no change since { $since }).
cli-pull-done = Pulled the forms: { $surveys ->
    [one] { $surveys } open survey
   *[other] { $surveys } open surveys
}, { $rounds ->
    [one] { $rounds } appraisal round
   *[other] { $rounds } appraisal rounds
}, { $units ->
    [one] { $units } unit
   *[other] { $units } units
}, { $officials ->
    [one] { $officials } official
   *[other] { $officials } officials
}.
cli-pull-col-id = ID
cli-pull-col-name = NAME
cli-pull-col-detail = DETAILS
cli-pull-survey = survey
cli-pull-round = round
cli-pull-survey-detail = version { $versions }; { $targets ->
    [one] { $targets } target
   *[other] { $targets } targets
}
cli-round-status-draft = draft
cli-round-status-open = open
cli-round-status-closed = closed
cli-round-status-published = published
cli-error-other-server = The answers kept on this computer belong to { $bound }, but you are signed in to { $server }. Nothing was sent. Sign in to { $bound } (`canvass login --server { $bound }`) and push them first, or discard them.
cli-error-no-server = This computer's store does not record which server its answers belong to. Run `canvass pull` first.
cli-error-push-running = Another `canvass push` is running on this computer; wait for it to finish.
cli-error-foreign-receipt = The server answered with a receipt for batch { $received } when batch { $sent } was sent. Nothing was recorded and nothing new was sent; tell the administrator.
cli-push-batch-kept = The batch ({ $items ->
    [one] { $items } item
   *[other] { $items } items
}) is saved on this computer and will be sent first, unchanged, by the next `canvass push`.
cli-push-nothing = Nothing to push: the queue is empty.
cli-push-done = Pushed { $batches ->
    [one] { $batches } batch
   *[other] { $batches } batches
}: the server stored { $responses ->
    [one] { $responses } answer set
   *[other] { $responses } answer sets
} and { $sheets ->
    [one] { $sheets } tally sheet
   *[other] { $sheets } tally sheets
}.
cli-push-duplicates = { " " }{ $batches ->
    [one] { $batches } batch had been stored before and was confirmed again.
   *[other] { $batches } batches had been stored before and were confirmed again.
}
cli-push-set-aside = { $count ->
    [one] { $count } item was refused and set aside
   *[other] { $count } items were refused and set aside
}: { $items }. See `canvass status`, then `canvass fix ITEM` or `canvass discard ITEM`.
cli-progress-bar = { $position }/{ $length } items
cli-progress-sending-short = sending batch { $batch } (attempt { $attempt })
cli-progress-sending = sending batch { $batch }: { $items ->
    [one] { $items } item
   *[other] { $items } items
}, attempt { $attempt }
cli-progress-sending-resumed = sending batch { $batch }: { $items ->
    [one] { $items } item
   *[other] { $items } items
}, attempt 1 (left by an interrupted push, sent again unchanged)
cli-progress-retrying = batch { $batch }: { $reason }; trying again in { $seconds } s
cli-progress-stored = batch { $batch }: { $items ->
    [one] { $items } item
   *[other] { $items } items
} stored
cli-progress-confirmed = batch { $batch }: { $items ->
    [one] { $items } item
   *[other] { $items } items
} already stored, confirmed again
cli-progress-refused = batch { $batch } refused: { $refused } of its { $items } items set aside; the rest go out again in a new batch

## canvass login, logout, whoami

cli-login-password-prompt = Password for { $username } at { $server }:{ " " }
cli-login-no-terminal = Cannot ask for the password ({ $reason }): there is no terminal. Pass it on standard input with --password-stdin.
cli-login-password-unreadable = Cannot read the password from standard input: { $reason }
cli-login-no-password = No password on standard input: --password-stdin reads the password from the first line (e.g. `printf '%s\n' "$PASSWORD" | canvass login ... --password-stdin`).
cli-login-device-name = The device name must have 1 to { $max } characters.
cli-login-no-username = The username is empty.
cli-login-done = Signed in to { $server } as { $account }.
cli-login-device-token = Device token { $device } is valid until { $until }.
cli-login-session-token = Session token (no device token), valid until { $until }.
cli-login-saved = Credentials saved in { $path } (readable by you only).
cli-login-previous-signed-out = The previous sign-in ({ $username } at { $server }) is signed out.
cli-login-previous-not-revoked = Warning: the previous sign-in on this computer could not be revoked ({ $reason }).
cli-logout-server-not-told = Warning: the server was not told about the sign-out: { $reason }
cli-logout-damaged-file = Warning: the credentials file { $path } was damaged, so the server could not be told about the sign-out. If it held a valid sign-in, that device token stays valid on the server until it expires or an administrator revokes it.
cli-logout-not-signed-in = Not signed in on this computer; nothing to do.
cli-logout-revoked = Signed out of { $server }: the server revoked this computer's token and the local credentials are removed.
cli-logout-revoked-device = Signed out of { $server }: the server revoked this device's token (device id { $device }) and the local credentials are removed.
cli-logout-already-invalid = Signed out: the local credentials are removed. The server at { $server } had already stopped accepting this device's token ({ $reason }).
cli-logout-local-only = The local credentials are removed.
cli-whoami-refused = The server no longer accepts this device's token: { $reason }
cli-whoami-unknown = Cannot check the sign-in with the server: { $reason }
cli-whoami-expired-anyway = The token's expiry date has passed anyway: run `canvass login` again once the server can be reached.
cli-whoami-credentials = Credentials: { $path }
cli-whoami-accepted = The server accepts this device's token.
cli-account = { $username } ({ $details })
cli-account-whole-installation = whole installation
cli-role-admin = administrator
cli-role-organiser = organiser
cli-role-leader = leader
cli-role-officer = field officer
cli-token-stays-valid = The device token (device id { $device }, account { $username }) stays valid on { $server } until it expires on { $until } or an administrator revokes it (DELETE /api/v1/accounts/{ $account }/devices/{ $device }). Ask your administrator to revoke it, or run `canvass login` and `canvass logout` again once the server can be reached.
cli-session-stays-valid = The session token of account { $username } stays valid on { $server } until it expires on { $until }.
cli-token-revoked = token revoked
cli-token-expired = token expired
cli-token-unknown = token not recognised
cli-token-refused = token refused
cli-ping = { $server }: canvass { $version } on { $backend }, database { $database }

## canvass survey

cli-survey-status-draft = draft
cli-survey-status-open = open
cli-survey-status-closed = closed
cli-survey-list-empty = No surveys in your units yet. Create one with `canvass survey create FILE`.
cli-survey-col-id = ID
cli-survey-col-status = STATUS
cli-survey-col-answering = ANSWERING
cli-survey-col-version = VERSION
cli-survey-col-title = TITLE
cli-survey-answering-yes = yes
cli-survey-answering-no = no
cli-survey-link = link: { $url }
cli-survey-created = Created survey { $id }: { $title }
cli-survey-published = Published survey { $id }: { $title }
cli-survey-closed = Closed survey { $id }: { $title }
cli-survey-opened = Opened survey { $id }: { $title }
cli-survey-state-accepting = { "  " }status: { $status }, accepting answers
cli-survey-state-not-accepting = { "  " }status: { $status }, not accepting answers
cli-survey-published-version = { "  " }published version: { $version }
cli-survey-draft-version = { "  " }draft version: { $version } (not yet published)
cli-survey-owner = { "  " }owner unit: { $unit }, minimum group size: { $size }
cli-survey-window = { "  " }window: { $opens } to { $closes }
cli-survey-public-link = { "  " }public link: { $url }
cli-survey-target-link = { "  " }link for { $name } (unit { $unit }): { $url }
cli-survey-next-draft = Nothing can be answered yet. Publish it with `canvass survey publish { $id }`.
cli-survey-next-open = Close it with `canvass survey close { $id }`.
cli-survey-next-closed = Reopen it with `canvass survey open { $id }`.

## canvass round

cli-round-file-not-json = The round file is not valid JSON: { $reason }
cli-round-file-does-not-fit = The round file does not fit the round format (docs/rounds.md): { $reason }
cli-round-file-problems = The round definition has { $count ->
    [one] { $count } problem
   *[other] { $count } problems
}; nothing was sent:
    { $problems }
cli-round-list-empty = No appraisal rounds in your units yet. Create one with `canvass round create FILE`.
cli-round-col-id = ID
cli-round-col-status = STATUS
cli-round-col-period = PERIOD
cli-round-col-series = SERIES
cli-round-ballot-page = ballot page: { $url }
cli-round-created = Created round { $id }: { $series } { $period }
cli-round-opened = Opened round { $id }: { $series } { $period }
cli-round-closed = Closed round { $id }: { $series } { $period }
cli-round-published = Published round { $id }: { $series } { $period }
cli-round-state = { "  " }status: { $status }
cli-round-group = { $id } ({ $label }, weight { $weight })
cli-round-subjects = { "  " }subjects: { $officials ->
    [one] { $officials } official
   *[other] { $officials } officials
}; elector groups: { $groups }
cli-round-subjects-team = { "  " }subjects: { $officials ->
    [one] { $officials } official
   *[other] { $officials } officials
} and the team; elector groups: { $groups }
cli-round-min-group = { "  " }minimum group size: { $size }
cli-round-ballot-page-line = { "  " }ballot page: { $url }
cli-round-next-draft = Generate codes with `canvass round codes { $id } --group GROUP --count N --slips slips.html`, then open it with `canvass round open { $id }`.
cli-round-next-open = Electors vote now. Close it with `canvass round close { $id }`.
cli-round-next-closed = Enter any remaining tally sheets, then publish the results with `canvass round publish { $id }`.
cli-round-next-published = The results are final and visible to leaders.
cli-codes-shown-once = { $count ->
    [one] { $count } code
   *[other] { $count } codes
} for elector group { $group }; they are shown this once. Ballot page: { $url }
cli-codes-slips-written = { $count ->
    [one] { $count } slip
   *[other] { $count } slips
} for elector group { $group } written to { $path } (readable by you only). Print it, cut the slips, shuffle them and hand them out; the codes cannot be shown again.

## Survey files and dates

cli-survey-file-problems = The survey file has { $count ->
    [one] { $count } problem; nothing was sent to the server. Fix it and run the command again:
   *[other] { $count } problems; nothing was sent to the server. Fix them and run the command again:
}
cli-survey-file-whole = (whole file)
cli-survey-file-no-targets-bare = The file is a bare form definition, so the units it rates must be given on the command line: add --target UNIT_ID (once per unit).
cli-survey-file-no-targets = The survey names no target unit: list them under "targets" in the file or add --target UNIT_ID (once per unit).
cli-survey-file-not-json = the file is not valid JSON: { $reason }
cli-date-error = “{ $input }” is not a date or time ({ $reason }); write YYYY-MM-DD (a day in China Standard Time) or an RFC 3339 time such as 2025-06-01T08:00:00+08:00
cli-date-not-a-date = the date is not YYYY-MM-DD
cli-date-no-t = a time must follow the date after 'T'
cli-date-no-offset = the time has no offset
cli-date-not-a-clock = the time is not HH:MM:SS
cli-date-not-an-offset = the offset is not Z or +HH:MM

## Help of the command line (canvass help, --help)

cli-help = canvass client: sign in, manage surveys and appraisal rounds; cache forms, collect answers and tally sheets offline, and upload them exactly once. Exit codes: 0 done, 1 failed, 2 wrong command line.
cli-help-lang = The language of everything canvass says: zh or en [default: from LC_ALL, LC_MESSAGES or LANG; English when it starts with en, Simplified Chinese otherwise]
cli-help-help = Print help
cli-help-version = Print the version
cli-help-usage = Usage
cli-help-commands = Commands
cli-help-command = COMMAND
cli-help-options = Options
cli-help-arguments = Arguments
cli-help-ping = Check that a server is reachable and its database is up.
cli-help-ping-server = The server's address, e.g. http://127.0.0.1:8080
cli-help-login = Sign this computer in: get a device token and keep it in your configuration directory.
cli-help-login-server = The server's address, e.g. https://canvass.example.gov.cn
cli-help-login-username = Your account name.
cli-help-login-password-stdin = Read the password from the first line of standard input instead of asking for it (for scripts).
cli-help-login-device-name = How this computer appears in your account's device list [default: canvass-cli on <hostname>]
cli-help-logout = Sign this computer out: revoke its device token on the server and delete it here.
cli-help-whoami = Show who is signed in on this computer, where, and whether the server still accepts it.
cli-help-survey = Manage satisfaction surveys (organisers).
cli-help-survey-list = List the surveys of your units.
cli-help-survey-create = Create a draft survey from FILE: a form definition (docs/forms.md), a survey file with "definition", "targets", ... at its top level, or an XLSForm workbook (.xlsx; docs/forms.md, "XLSForm"). The file is checked first; nothing is sent if it has a problem.
cli-help-survey-create-file = The form definition or survey file (JSON), or an XLSForm workbook (.xlsx).
cli-help-survey-create-targets = A unit the survey rates; repeat for several. Required for a bare form definition; replaces the file's "targets".
cli-help-survey-create-unit = The unit that owns the survey [default: your account's unit]
cli-help-survey-create-min-group-size = Smallest group whose figures are shown (at least 5).
cli-help-survey-create-opens = When answering opens: YYYY-MM-DD (00:00 China Standard Time) or an RFC 3339 time.
cli-help-survey-create-closes = When answering closes: YYYY-MM-DD (at the end of that day, China Standard Time) or an RFC 3339 time.
cli-help-survey-publish = Publish the draft version of survey ID; a draft survey opens for answers.
cli-help-survey-publish-id = The survey id (see `canvass survey list`).
cli-help-survey-close = Close survey ID: no more answers are accepted.
cli-help-survey-close-id = The survey id.
cli-help-survey-open = Reopen survey ID after it was closed.
cli-help-survey-open-id = The survey id.
cli-help-round = Manage democratic-appraisal rounds (organisers): create, open, close, publish, codes.
cli-help-round-list = List the rounds of your units.
cli-help-round-create = Create a draft round from FILE: a round definition (docs/rounds.md) or {"{"}"definition": ..., "unit_id": ...{"}"}. The file is checked first; nothing is sent if it has a problem.
cli-help-round-create-file = The round definition or round file (JSON).
cli-help-round-create-unit = The unit that runs the round [default: the file's, else your account's unit]
cli-help-round-open = Open round ID for voting (from a draft, or again after closing).
cli-help-round-open-id = The round id (see `canvass round list`).
cli-help-round-close = End voting in round ID; tally sheets may still be entered.
cli-help-round-close-id = The round id.
cli-help-round-publish = Publish the results of closed round ID: final, and visible to leaders.
cli-help-round-publish-id = The round id.
cli-help-round-codes = Generate one-time ballot codes for an elector group. They are shown this once: the server keeps only their hashes.
cli-help-round-codes-id = The round id.
cli-help-round-codes-group = The elector group: its id in the round definition, or its name.
cli-help-round-codes-count = How many codes (1 to 2,000).
cli-help-round-codes-slips = Write printable A4 slips (code, QR code of the ballot page, the anonymity promise) to this HTML file instead of listing the codes.
cli-help-pull = Fetch the forms, rounds, units and officials open for your units and keep them on this computer for offline work.
cli-help-collect = Interview respondents in the terminal, offline, one answer set after another; each is saved on this computer as soon as it is complete. Type ? at a question for help, < to go back, !q to stop.
cli-help-collect-survey = The survey id or its public slug (see `canvass status` or `canvass pull`).
cli-help-collect-target = The unit rated, by id or exact name, for every respondent of this session.
cli-help-collect-village = The respondents' village or community, by id or exact name.
cli-help-tally = Enter a paper tally sheet of one polling station; the counts are checked on the spot.
cli-help-tally-round = The appraisal round id.
cli-help-tally-station = The polling station, as named at the meeting (e.g. 第一会场).
cli-help-tally-group = The elector group, by id or name [asked when the round has several]
cli-help-tally-file = Read the whole sheet from a JSON file instead of asking (docs/cli.md).
cli-help-import = Queue answers typed up from paper forms (CSV, one row per form; docs/cli.md). Every bad row is reported with its line; if any row is bad, nothing is queued.
cli-help-import-file = The CSV file (UTF-8).
cli-help-import-survey = The survey of every row (id or slug); otherwise the file has a `survey` column.
cli-help-import-again = Import a file whose content was imported before.
cli-help-status = Show what is queued, what was sent, and what the server refused and why.
cli-help-push = Send the queued answers and tally sheets to the server, in batches, exactly once. Exits with 1 when the server refused items (see `canvass status`).
cli-help-push-keep = Keep the answers on this computer after the server stored them.
cli-help-push-batch-items = Items per batch (1 to 1000) [default: 500]
cli-help-fix = Correct an item the server refused (the interview or tally entry again, with its previous values as defaults) and queue it again.
cli-help-fix-item = The item id (see `canvass status`).
cli-help-discard = Delete an item from this computer (after asking, unless --yes).
cli-help-discard-item = The item id (see `canvass status`).
cli-help-discard-yes = Do not ask for confirmation.
cli-help-help-command = Print this message or the help of the given command

## canvass survey export-xlsform, and XLSForm workbooks given to canvass survey create
cli-help-survey-export-xlsform = Write the form of survey ID as an XLSForm workbook (.xlsx) that Excel, KoBoToolbox and canvass survey create read back into the same form.
cli-help-survey-export-xlsform-id = The survey's id (canvass survey list).
cli-help-survey-export-xlsform-version = The version to write [default: the draft, else the published version].
cli-help-survey-export-xlsform-output = The file to write [default: survey-ID.xlsx]; an existing file is never replaced.
cli-survey-xlsform-written = Wrote version { $version } of survey { $id } to { $path }.
cli-survey-xlsform-export-failed = The form could not be written as a workbook: { $reason }
cli-survey-xlsform-problems = The XLSForm workbook cannot be used; nothing was sent.

# Field coverage after a pull and in `canvass status`.
cli-coverage-fewest = { $survey }: { $none } of { $villages } villages and communities in your area have no answer sheet yet. Fewest first:
cli-coverage-status = { $survey }:
cli-coverage-as-of = Answer sheets per village in your area (the server's count at the last pull, { $fetched }; yours not sent yet beside it):
cli-coverage-col-village = VILLAGE
cli-coverage-col-answers = ANSWERS
cli-coverage-col-server = ON SERVER
cli-coverage-col-queued = YOURS, NOT SENT
cli-coverage-hidden = hidden (few)
cli-coverage-unavailable = The forms were pulled, but not the counts per village: { $reason }

## canvass unit import, canvass official import

cli-sheet-row = Row
cli-sheet-name = Name
cli-sheet-action = What happens
cli-sheet-action-create = add
cli-sheet-action-update = change
cli-sheet-action-unchanged = unchanged
cli-sheet-warning = { $problem } (a warning: the rest imports as shown)
cli-sheet-preview = { $path }: { $created } to add, { $updated } to change, { $unchanged } unchanged.
cli-sheet-ask = Import: add { $created }, change { $updated }? [y/N]
cli-sheet-ask-help = Type y to import every row as shown above, in one go; anything else imports nothing. `--yes` skips this question.
cli-sheet-refused = Nothing was imported: fix the problems listed in { $path } and run the command again.
cli-sheet-empty = Nothing was imported: { $path } has no rows to import.
cli-sheet-declined = Nothing was imported.
cli-sheet-done = Imported { $path }: { $created } added, { $updated } changed, { $unchanged } unchanged.
cli-help-unit = Manage the unit tree (organisers).
cli-help-unit-import = Import a unit list from FILE (XLSX or CSV: 名称, 类型, 上级单位, 窗口单位; docs/imports.md). The server checks it first and the preview shows every bad row and cell; the file is imported, all or nothing, only when it has no error and you confirm.
cli-help-unit-import-file = The unit list (.xlsx or .csv).
cli-help-unit-import-yes = Import a clean file without asking.
cli-help-official = Manage the roster of officials (organisers).
cli-help-official-import = Import a roster of officials (干部名册) from FILE (XLSX or CSV: 姓名, 职务, 单位, 班子, 排序; docs/imports.md). The server checks it first and the preview shows every bad row and cell; the file is imported, all or nothing, only when it has no error and you confirm. An official already on the roster (same name and unit) is updated.
cli-help-official-import-file = The roster (.xlsx or .csv).
cli-help-official-import-yes = Import a clean file without asking.
cli-help-unit-list = List the unit tree of your units: id, kind, name (indented under its parent), whether it is a window unit and whether it is retired.
cli-help-unit-add = Add a unit NAME to the unit tree.
cli-help-unit-add-name = The unit's name.
cli-help-unit-add-kind = The kind: county, township, department, village or community (or its Chinese name).
cli-help-unit-add-parent = The id of the unit above it (see canvass unit list); only a county has none.
cli-help-unit-add-window = Mark it as a window unit (the usual unit a satisfaction survey rates).
cli-unit-list-empty = There are no units in your tree yet. Add one with `canvass unit add NAME --kind county`, or import a unit list with `canvass unit import FILE`.
cli-unit-col-id = ID
cli-unit-col-kind = KIND
cli-unit-col-name = NAME
cli-unit-col-notes = NOTES
cli-unit-window = window unit
cli-unit-retired = retired
cli-unit-added = Added the { $kind } “{ $name }”, id { $id }.
cli-unit-kind-unknown = The unit kind “{ $kind }” is not known. Valid kinds: { $valid }.
cli-help-account = Manage the accounts of your units (organisers and administrators), as the console's accounts page does.
cli-help-account-list = List the accounts of your units: id, username, name, role, unit, and whether each is active, disabled or on a temporary password.
cli-help-account-create = Create account USERNAME with a role and a unit. A temporary password is shown once; it must be changed at the first sign-in.
cli-help-account-create-username = 3 to 64 characters: lowercase letters, digits, ., _ and -, starting with a letter.
cli-help-account-create-role = The role: admin, organiser, leader or officer (or its Chinese name); never above your own.
cli-help-account-create-unit = The id of the account's unit (see canvass unit list); it acts within that unit's subtree.
cli-help-account-create-name = The name shown for the account [default: the username].
cli-help-account-disable = Disable an account: its next request is refused, whatever devices it signed in on.
cli-help-account-disable-account = The account: its username or its id (see canvass account list).
cli-help-account-enable = Enable a disabled account again.
cli-help-account-enable-account = The account: its username or its id (see canvass account list).
cli-help-account-reset-password = Reset an account's password to a temporary one, shown once, that must be changed at the next sign-in. The account is signed out everywhere and its devices are revoked.
cli-help-account-reset-password-account = The account: its username or its id (see canvass account list).
cli-help-survey-import-xlsform = Create a draft survey from an XLSForm workbook (.xlsx; docs/forms.md, "XLSForm"), as canvass survey create does with one. The workbook is checked first; nothing is sent if it has a problem.
cli-help-survey-import-xlsform-file = The XLSForm workbook (.xlsx).
cli-help-survey-import-xlsform-targets = A unit the survey rates; repeat for several (a workbook holds none, so at least one is required).
cli-help-survey-import-xlsform-unit = The unit that owns the survey [default: your account's unit]
cli-help-survey-import-xlsform-min-group-size = Smallest group whose figures are shown (at least 5).
cli-help-survey-import-xlsform-opens = When answering opens: YYYY-MM-DD (00:00 China Standard Time) or an RFC 3339 time.
cli-help-survey-import-xlsform-closes = When answering closes: YYYY-MM-DD (at the end of that day, China Standard Time) or an RFC 3339 time.
cli-survey-not-xlsform = { $path } is not an XLSForm workbook (.xlsx); nothing was sent. A JSON form or survey file is created with `canvass survey create FILE`.
cli-account-list-empty = There are no accounts in your units yet. Create one with `canvass account create USERNAME --role officer --unit UNIT_ID`.
cli-account-col-id = ID
cli-account-col-username = USERNAME
cli-account-col-name = NAME
cli-account-col-role = ROLE
cli-account-col-unit = UNIT
cli-account-col-state = STATE
cli-account-active = active
cli-account-disabled = disabled
cli-account-temporary = temporary password
cli-account-role-unknown = The role “{ $role }” is not known. Valid roles: { $valid }.
cli-account-not-found = No account “{ $who }” among the accounts you manage (see `canvass account list`).
cli-account-no-temporary-password = The server created the account “{ $username }” but sent no temporary password: reset it with `canvass account reset-password { $username }`.
cli-account-created = Created the { $role } account “{ $username }”, id { $id }.
cli-account-temporary-password = Temporary password of { $username } (shown this once): { $password }
cli-account-must-change = It must be changed at the next sign-in. Hand it over in person or by telephone.
cli-account-was-disabled = Disabled the account “{ $username }”: its next request is refused.
cli-account-was-enabled = Enabled the account “{ $username }”.
