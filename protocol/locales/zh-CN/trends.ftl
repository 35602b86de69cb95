## 跨期趋势:测评系列与民主测评系列。

trends-error-series-text = 系列名称:最多 { $max } 个字符,不能含控制字符。
trends-error-period-text = 期次:最多 { $max } 个字符,不能含控制字符。
trends-error-no-such-series = 没有这个系列。
