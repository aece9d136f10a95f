"""Programmes for families (the cards of /programs) and the regional commissioners for children's rights."""
