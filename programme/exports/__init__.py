"""Open exports of the programme: iCalendar and the frab/c3voc schedule in XML and JSON."""
