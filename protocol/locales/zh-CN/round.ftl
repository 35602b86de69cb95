# Words of appraisal rounds: grades, dimensions, and the checks of round definitions, ballots,
# tally sheets and ballot codes. A message names an official, an elector group or a dimension by
# the name the reader knows.
