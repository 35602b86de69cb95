# Words of the organiser's console: units, accounts, officials, surveys and rounds set up and run.

## Shared

console-nav-units = Units
console-nav-accounts = Accounts
console-nav-officials = Officials
console-nav-password = Password
console-back = Back
console-cancel = Cancel and go back
console-save = Save
console-form-has-problems = Please fix the problems marked below.
console-file-too-large-heading = File too large
console-file-too-large = An uploaded file can be at most 2 MB. Split the sheet into several files and import each.
console-import-column = Column
console-import-holds = What it holds
console-import-file = Choose an Excel (.xlsx) or CSV file
console-import-preview = Upload and preview (nothing is stored yet)
console-preview-blocked = The file has errors; nothing was stored. Fix the rows and cells marked in red in Excel and upload it again.
console-preview-warnings = These will not be imported:
console-preview-confirm = Confirm the import
console-preview-another = Upload another file
console-preview-rows = The file
console-preview-row = Row
console-preview-status = On import
console-preview-bad-row = Has errors:

## Units

console-units-heading = Units
console-units-none = There are no units yet.
console-units-back = Back to the units
console-units-import-link = Import a unit list from Excel or CSV
console-unit-add = Add a unit
console-unit-add-button = Add
console-unit-name = Name
console-unit-kind = Kind
console-unit-kind-choose = Choose the kind of unit.
console-unit-parent = Parent unit
console-unit-window = Window unit
console-unit-window-label = Window unit (serves the public directly; the usual target of satisfaction surveys)
console-unit-retired-badge = retired
console-unit-rename = Rename
console-unit-rename-button = Rename
console-unit-move = Move under another parent
console-unit-move-button = Move
console-unit-retire = Retire this unit
console-unit-retire-hint = A retired unit stays in past results but can no longer be a survey target, and no unit or official can be added under it. It can be brought back at any time.
console-unit-restore = Bring this unit back
console-unit-restore-hint = Once back, the unit can be a survey target again.
console-unit-retire-heading = Retire { $unit }?
console-unit-retire-what = { $unit } will be retired: it stays in past survey and appraisal results, but can no longer be a survey target, and no unit or official can be added under it. It can be brought back later.
console-unit-created = { $unit } was added.
console-unit-renamed = The unit is now called { $unit }.
console-unit-moved = { $unit } was moved.
console-unit-window-on = { $unit } is now a window unit.
console-unit-window-off = { $unit } is no longer a window unit.
console-unit-retired = { $unit } was retired.
console-unit-restored = { $unit } was brought back.
console-units-import-heading = Import a unit list
console-units-import-intro = One unit a row, the column names in the first row, columns in any order. After the upload you see a preview with every bad row and cell marked; nothing is stored until you confirm, and then all of it or nothing. Units that exist already are not added twice.
console-units-col-name = Name
console-units-col-name-what = The unit's name: required, at most 100 characters, no “/”
console-units-col-kind = Kind
console-units-col-kind-what = County, township, department, village or community: required
console-units-col-parent = Parent
console-units-col-parent-what = The parent unit's name (its path where the name is used twice, e.g. “East Town/New Village”); empty for a county
console-units-col-window = Window unit
console-units-col-window-what = Yes or no; may be empty (no)
console-units-col-code = Code
console-units-col-code-what = The unit's code; may be empty; a code may not be used twice
console-units-preview-heading = Unit list preview
console-units-preview-summary = Confirming adds { $created } units, updates { $updated } and leaves { $unchanged } that exist as they are.
console-units-row-create = new
console-units-row-unchanged = exists, unchanged
console-units-row-window = exists, window flag updated
console-units-imported = The unit list was imported: { $created } added, { $updated } updated, { $unchanged } unchanged.

## Accounts

console-accounts-heading = Accounts
console-accounts-back = Back to the accounts
console-account-username = Username
console-account-display-name = Name (may be empty: the username)
console-account-role = Role
console-account-unit = Unit
console-account-state = State
console-account-role-choose = Choose a role.
console-account-unit-choose = Choose the account's unit.
console-account-add = Create an account
console-account-add-hint = A new account gets a temporary password, shown once; it must be changed at the first sign-in.
console-account-add-button = Create the account
console-account-created = The account { $username } was created.
console-account-temporary-intro = Temporary password (tell it in person or by telephone) of the account
console-account-temporary-once = This password is shown only this once: it cannot be seen again after you leave this page. It must be changed at the first sign-in.
console-account-enabled-badge = active
console-account-disabled-badge = disabled
console-account-temporary-badge = temporary password, to be changed
console-account-disable = Disable this account
console-account-enable = Enable this account
console-account-disable-heading = Disable the account { $username }?
console-account-disable-what = { $username } will no longer be able to sign in, and every computer and phone signed in as { $username } stops working at once. The account can be enabled again at any time.
console-account-disabled = The account { $username } was disabled.
console-account-enabled = The account { $username } was enabled.
console-account-reset = Reset the password
console-account-reset-hint = Makes a new temporary password, shown once; the old password stops working at once and every device must sign in again.
console-account-reset-heading = Reset the password of { $username }?
console-account-reset-what = The current password of { $username } stops working at once, and every computer, phone and client signed in must sign in again. The new temporary password is shown once and must be changed at the next sign-in.
console-account-was-reset = The password of { $username } was reset.
console-account-devices = Client devices
console-account-no-devices = No client devices.
console-account-revoke = Revoke this device
console-account-device-revoked = The device was revoked: its next request is refused.
console-account-device-revoked-badge = revoked

## Changing one's password

console-password-heading = Change your password
console-password-must-change = You are using a temporary password. Set a password of your own before you use the dashboards.
console-password-current = Current password
console-password-new = New password (at least 10 characters)
console-password-repeat = The new password again
console-password-button = Change the password
console-password-changed-heading = Password changed
console-password-changed = Your password was changed. For safety every device was signed out: sign in again with the new password.
console-password-sign-in-again = Sign in with the new password

## The roster of officials

console-officials-heading = Officials
console-officials-back = Back to the officials
console-officials-none = There are no officials yet. Import a roster from Excel or CSV.
console-officials-no-team = No team
console-official-active = In office
console-official-inactive = (no longer in office)
console-official-saved = { $name } was saved.
console-roster-import-link = Import a roster (干部名册) from Excel or CSV
console-roster-import-heading = Import a roster of officials
console-roster-import-intro = One official a row, the column names in the first row, columns in any order. After the upload you see a preview with every bad row and cell marked; nothing is stored until you confirm, and then all of it or nothing. An official of the same name in the same unit is updated, not added twice.
console-roster-col-name = Name
console-roster-col-name-what = Required, at most 100 characters
console-roster-col-post = Post
console-roster-col-post-what = Required, e.g. “township head”
console-roster-col-unit = Unit
console-roster-col-unit-what = Required: the unit's name (its path where the name is used twice, e.g. “East Town/New Village”)
console-roster-col-team = Team
console-roster-col-team-what = The leadership team; may be empty
console-roster-col-order = Order
console-roster-col-order-what = A whole number: ballot papers list officials in this order; may be empty
console-roster-preview-heading = Roster preview
console-roster-preview-summary = Confirming adds { $created } officials, updates { $updated } and leaves { $unchanged } as they are.
console-roster-row-create = new
console-roster-row-update = exists, updated
console-roster-row-unchanged = exists, unchanged
console-roster-imported = The roster was imported: { $created } added, { $updated } updated, { $unchanged } unchanged.
