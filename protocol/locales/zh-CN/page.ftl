# Words of the public pages: the survey form, the ballot page, thanks and refusals.

page-refused-heading = 无法处理该请求
