"""The person's data rights: consents, /mydata, /forget, retention."""
