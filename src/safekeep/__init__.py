"""Safekeep: confidential records seen only by those with a right or professional need."""
