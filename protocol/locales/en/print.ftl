# Words of the printables: ballot papers, tally sheets, questionnaires, slips and posters.

## The print layout

print-button = Print
print-hint = Print on A4 paper; this line is not printed.

## Ballot papers and tally sheets

print-ballot-title = Democratic appraisal ballot
print-tally-title = Tally sheet
print-elector-group = Elector group
print-officials = Officials
print-team = Leadership team
print-team-name = Team
print-number = No.
print-name = Name
print-position = Post
print-aspect = Graded on
print-overall = Overall
print-ballot-how = Tick (✓) one grade for each official (and each aspect).
print-ballot-blank = An official (or aspect) left blank is an abstention.
print-ballot-no-marks = This ballot is anonymous: do not write your name or make any other mark on it.
print-ballot-fold = Fold the ballot and put it in the ballot box.
print-quota-rule = At most { $max } marked “{ $grade }”; a ballot with more is invalid.
print-error-group = Choose an elector group, one of: { $groups }
print-station = Polling station
print-issued = Issued
print-returned = Returned
print-valid = Valid
print-invalid = Invalid
print-abstain = Abstained
print-row-total = Total
print-tally-rules = Reconciliation rules
print-rule-returned = Returned may not exceed issued; otherwise this station's vote is void.
print-rule-valid = Valid + invalid = returned.
print-rule-rows = For each official (and aspect): the grades plus abstentions = valid (the “Total” column).
print-rule-invalid-ballots = Invalid:
print-counters = Counters (signatures)
print-supervisor = Supervisor (signature)
print-date = Date

## Paper questionnaires

print-version = Version { $version }
print-target = Unit rated
print-required = required
print-pick-one = Pick one
print-pick-any = Pick any
print-pick-at-most = Pick any, at most { $max }
print-pick-at-least = Pick at least { $min }
print-number-between = A number from { $min } to { $max }
print-number-from = A number of { $min } or more
print-number-to = A number of { $max } or less
print-whole-number = a whole number
print-quoted = “{ $value }”
print-or = {" or "}
print-shown-if = (Answer only if question { $number } is { $values }; otherwise skip it.)
print-questionnaire-how = Tick (✓) the box you choose, or write on the line.
print-questionnaire-anonymous = This questionnaire is anonymous: do not write your name, phone number or anything else about yourself.
print-questionnaire-thanks = Thank you for taking part.

## Ballot-code slips

print-slips-title = Ballot codes
print-slip-qr = QR code of the ballot page
print-slip-kind = one-time ballot code
print-slip-promise = Scan the QR code or open the address below and enter this code to vote. The code works once and is not tied to you: nobody, the system's administrators included, can know how you voted.

## Survey-code slips and door cards

print-survey-slips-title = Survey codes
print-survey-slip-qr = QR code of the survey form, with the code filled in
print-survey-slip-kind = one answer per household
print-survey-slip-promise = Scan the QR code, or open the address below and enter this code, to answer the survey. The code works once and is not tied to your answers: nobody, the system's administrators included, can know what you answered.

## Survey posters

print-posters-title = Survey posters
print-poster-kicker = Public satisfaction survey
print-poster-invitation = How satisfied are you with the service of { $unit }? Scan the QR code with your phone, or open the address below in a browser, and tell us. It takes a few minutes.
print-poster-qr = QR code of the survey page of { $unit }
print-poster-address = Address:
print-poster-anonymous-heading = Your answers are anonymous
print-poster-anonymous-no-name = You are not asked for your name, phone number or anything else about yourself, and you do not sign in.
print-poster-anonymous-nothing-kept = Your answers are stored without your phone's address, your device or the exact time: nobody, the system's administrators included, can tell what you answered.
print-poster-anonymous-groups = Results are only shown for groups of at least { $min } answers, so no one's answers can be picked out.
print-error-posters-draft = This survey is still a draft and its links do not work yet: publish it, then print its posters.

## Links to the printables

print-links = Print (A4)
print-questionnaire-title = Paper questionnaire
print-posters-link = Survey posters (one per unit rated)
