"""Staff keep their own center's card current from Telegram: hours, holidays, a notice, phones, address, services."""
