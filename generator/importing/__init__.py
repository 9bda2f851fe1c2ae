"""factsheet import: records and facts from a spreadsheet, checked as a build checks them."""
