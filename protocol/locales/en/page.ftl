# Words of the public pages: the survey form, the ballot page, thanks and refusals.

page-refused-heading = The request cannot be handled
## Signing in to the dashboards, and dashboard requests refused

page-sign-in-title = Sign in
page-sign-in-heading = Sign in to the dashboards
page-sign-in-note = For leaders, organisers and administrators. Field officers use the canvass client.
page-sign-in-username = Username
page-sign-in-password = Password
page-sign-in-submit = Sign in
page-sign-in-refused = The request was refused.
page-sign-in-officer = Field officers use the canvass client; they have no dashboards.
page-sign-in-wrong = The username or password is wrong.
page-sign-in-disabled = This account has been disabled.
page-try-later = Please try again later.
page-refused-back = Back to the overview
page-refused-csrf-heading = Request refused
page-refused-csrf = The form has expired or was not sent from this site. Go back, reload the page and try again.
page-refused-officer-heading = No dashboards
page-refused-officer = Field officers collect and upload answers with the canvass client; they have no dashboards.
page-refused-scope-heading = Not yours to see
page-refused-scope = This page belongs to a unit outside your area.
page-refused-role-heading = Not allowed
page-refused-role = Your role may not see this or do this.
page-refused-unpublished-heading = Results not published
page-refused-unpublished = The results can be seen once the organisers publish them.
page-refused-not-found-heading = Not found
page-refused-not-found = There is no such page, or it has been removed.
page-refused-fault-heading = Something went wrong
page-refused-other-heading = Could not be done

## The public survey form

page-fault-heading = Something went wrong
page-form-anonymous = This survey is anonymous: your name, phone, IP address and device are not recorded. Results are published only for groups of at least { $size } people.
page-form-target = What you are rating
page-form-village = Your village or community
page-form-optional = Optional
page-form-village-label = Village
page-form-survey-code = Survey code
page-form-survey-code-hint = The code on your door card or slip: one answer per household. It works once and is not tied to your answers.
page-form-village-none = Prefer not to say
page-form-required = required
page-form-required-note = Questions marked * must be answered.
page-form-submit = Submit
page-form-condition = Answer only if you answered { $values } to question { $position }; otherwise skip it.
page-form-condition-value = "{ $value }"
page-form-condition-or = {" or "}
page-form-choose-target = Choose what you are rating.
page-form-choose-village = Choose from the list.
page-form-summary = { $count ->
        [one] One answer needs changing
       *[other] { $count } answers need changing
    }; see the questions marked in red. Everything you entered is kept.
page-form-too-long-heading = Too long
page-form-too-long = The answers are longer than this form accepts.
page-form-rate-limited-heading = Please try again shortly
page-form-rate-limited = Too many answers were sent from your network. Please wait a minute and send again; go back to keep what you filled in.
page-form-thanks-heading = Thank you!
page-form-thanks = Your answers were saved anonymously. Nobody, the system's operators included, can tell who you are or what you answered.
page-form-not-found-heading = Survey not found
page-form-check-link = Check that the link is complete.
page-form-not-open-yet-heading = This survey is not open yet
page-form-not-open-yet = The link is right, but the survey does not take answers yet. Please come back once it has opened.
page-form-closed-heading = This survey has closed
page-form-closed = The survey no longer takes answers. Thank you for your interest.
page-form-code = Code: { $code }

## The ballot page

page-ballot-anonymous = This appraisal is anonymous: the code is not tied to you, and the time, IP address and device of your vote are not recorded, so nobody, the system's operators included, can tell how you voted. Each code votes once.
page-ballot-enter-code = Enter your ballot code
page-ballot-code-label = Ballot code
page-ballot-next = Next
page-ballot-code-used = This code has already voted and cannot be used again.
page-ballot-code-unknown = There is no such code. Check it and type it again.
page-ballot-code-typo = One character of the code is mistyped. Check it carefully and type it again.
page-ballot-code-length = A code has 12 characters (not counting dashes). Check it.
page-ballot-code-character = The code has a character codes never contain (there is no 0, O, 1 or I). Check it.
page-ballot-code-other-round = This code belongs to another appraisal and cannot be used here.
page-ballot-not-open = This appraisal is not open for voting now.
page-ballot-code-fault = Something went wrong; please try again later.
page-ballot-quota = At most { $max } "{ $grade }" marks per ballot; more makes the whole ballot invalid.
page-ballot-you-vote-as = You vote as
page-ballot-team = leadership team
page-ballot-abstain = Abstain
page-ballot-vote = Vote (cannot be changed afterwards)
page-ballot-preview = Preview:
page-ballot-preview-what = this is the ballot electors see once they have typed their code. Nobody can vote here, and no code is needed.
page-ballot-preview-groups = The ballot of each elector group:
page-ballot-preview-back = Back
page-ballot-not-found-heading = Appraisal not found
page-ballot-done-heading = Your vote is cast. Thank you!
page-ballot-done = Your ballot was stored anonymously and the code can no longer be used.
page-ballot-fault = The server could not store the ballot just now; please try again shortly. If the code no longer works, the ballot was stored.
page-ballot-unreadable = One of the marks could not be read. Choose again and vote; your code has not been used.
page-ballot-refused = The ballot has a problem and your code has not been used; check it and vote again:
page-ballot-rate-limited = Too many requests from your network. Please wait a minute.
