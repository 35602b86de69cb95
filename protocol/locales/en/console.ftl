# Words of the organiser's console: units, accounts, officials, surveys and rounds set up and run.

## Tally sheets (计票单录入)

console-sheet-title = Enter a tally sheet
console-sheet-correct-title = Correct a tally sheet
console-sheet-new = Enter a new sheet
console-sheet-back = Back to the round
console-sheet-print-blank = Print a blank tally sheet
console-sheet-problems = The sheet was not saved. Correct these problems (every number you typed is kept):
console-sheet-stations = Stations entered
console-sheet-entered = Entered
console-sheet-none = No tally sheet has been entered yet.
console-sheet-station = Station
console-sheet-group = Elector group
console-sheet-status = Status
console-sheet-status-entered = entered
console-sheet-status-corrected = corrected
console-sheet-status-void = void
console-sheet-entered-by = Entered by, when
console-sheet-correct = Correct
console-sheet-hint = One sheet per station and elector group. More returned than issued voids the station; a correction replaces the sheet and the old one stays visible.
console-sheet-is-correction = This corrects a sheet already entered
console-sheet-ballots = Ballots
console-sheet-issued = Issued
console-sheet-returned = Returned
console-sheet-valid = Valid
console-sheet-invalid = Invalid
console-sheet-abstained = Abstained
console-sheet-save = Save the sheet
console-sheet-whole-number = Enter a whole number, 0 or more
console-sheet-saved = Saved the sheet of “{ $station }” ({ $group }): { $issued } issued, { $returned } returned, { $valid } valid, { $invalid } invalid.
console-sheet-saved-void = More were returned than issued: this station's vote is void and must be held again.
console-sheet-saved-corrected = It replaces the sheet entered before, which stays visible.
console-sheet-expected = Stations expected
console-sheet-expected-range = The stations expected must be a whole number from 1 to { $max }.
console-sheet-expected-save = Save
console-sheet-expected-unset = not set
console-sheet-expected-saved = Saved: { $expected } stations expected.
