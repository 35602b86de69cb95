# Words of the leaders' pages: the frame, overview, results, rankings, flags, turnout, exports.

dashboard-nav = Navigation
dashboard-nav-overview = Overview
dashboard-nav-upload = Upload a definition
dashboard-nav-sign-out = Sign out
dashboard-all-units = all units
dashboard-role-admin = administrator
dashboard-role-organiser = organiser
dashboard-role-leader = leader
dashboard-role-officer = field officer
