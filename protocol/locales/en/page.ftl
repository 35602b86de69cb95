# Words of the public pages: the survey form, the ballot page, thanks and refusals.
