"""What every feature uses: languages, time, filters, callback data, the main menu and its texts."""
