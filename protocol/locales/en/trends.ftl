## Trends across periods: survey series and round series.

trends-error-series-text = The series: write at most { $max } characters, without control characters.
trends-error-period-text = The period: write at most { $max } characters, without control characters.
trends-error-no-such-series = There is no such series.
