# Words of the printables: ballot papers, tally sheets, questionnaires, slips and posters.
