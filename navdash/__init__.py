"""navdash: styringsdashboard for mål- og resultatstyring i NAV."""
