# Words of the organiser's console: units, accounts, officials, surveys and rounds set up and run.
