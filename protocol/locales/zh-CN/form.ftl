# Words of the survey forms and answer checks.
