# Words of the public pages: the survey form, the ballot page, thanks and refusals.

page-refused-heading = The request cannot be handled
