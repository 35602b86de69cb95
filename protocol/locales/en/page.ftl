# Words of the public pages: the survey form, the ballot page, thanks and refusals.

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
