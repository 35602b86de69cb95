# Words of the leaders' pages: the frame, overview, results, rankings, flags, turnout, exports.
