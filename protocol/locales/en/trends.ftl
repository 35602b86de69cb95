## Trends across periods: survey series and round series.

trends-error-series-text = The series: write at most { $max } characters, without control characters.
trends-error-period-text = The period: write at most { $max } characters, without control characters.
trends-error-no-such-series = There is no such series.

trends-title = Trends
trends-nav = Trends
trends-intro = How units and officials fared from one period to the next: survey series (the same survey run each quarter or year) and appraisal round series.
trends-survey-series = Survey series
trends-round-series = Appraisal round series
trends-no-survey-series = No survey series yet. An organiser puts a survey in a series on its page.
trends-no-round-series = No appraisal round series with results you may read yet.
trends-periods = { $count ->
    [one] 1 period
   *[other] { $count } periods
}
trends-back = All series
trends-rule = Each period's figures are shown as its results show them to you: a unit with fewer than { $group } answer sheets (and, where only one would be hidden, the smallest other one) shows none of its figures and is not ranked.
trends-rule-exact = Exact figures. Leaders see each period's figures as its results show them: a unit with fewer than { $group } answer sheets (and, where only one would be hidden, the smallest other one) shows none of its figures; such cells are marked.
trends-round-rule = Published rounds only; each round's figures are those of its published report (weighted over every elector group).
trends-round-rule-exact = Exact figures of every closed or published round; leaders see published rounds only.
trends-latest = Latest period
trends-unit = One unit over the periods
trends-unit-chart = { $unit }: composite score and satisfaction rate per period
trends-score = Composite score
trends-rate = Satisfaction rate (%)
trends-change = Change
trends-change-note = Change: places gained (↑) or lost (↓) since the previous period; = the same place; — not ranked in one of the two.
trends-period = Period
trends-survey = Survey
trends-ranked = Units ranked
trends-periods-heading = Periods
trends-follow-up = Did the units picked for rectification improve?
trends-improved-rule = A unit improved when its composite score in the next period is higher.
trends-no-follow-up = No unit was picked for rectification in a period that has a next one yet.
trends-from-to = Period → next
trends-score-before = Score before
trends-score-after = Score after
trends-rank-before-after = Rank before → after
trends-improved = Improved
trends-improved-yes = Yes
trends-improved-no = No
trends-improved-unknown = Unknown (hidden or not rated)
trends-official = Official
trends-official-chart = { $official }: share of each grade per round
trends-shares-note = Shares: the weighted share of each grade among the graded votes.
trends-flags = Flags
trends-no-flags = No flag was raised in this series.
trends-rounds-heading = Rounds
trends-link-survey = Trend of the series { $series }
trends-link-round = Trend of the series { $series }
trends-form-series = Series
trends-form-period = Period
trends-form-save = Save the series
