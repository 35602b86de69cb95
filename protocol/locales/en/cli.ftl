# Words of the canvass command-line client.
