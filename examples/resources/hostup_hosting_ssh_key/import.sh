# A hosting SSH key is imported by "accountId/keyId" (see the hostup_hosting_ssh_keys data source)
# or by "accountId/<SHA256 fingerprint>" (ssh-keygen -l -f key.pub).
terraform import hostup_hosting_ssh_key.deploy acct_01hxa3b4c5d6e7f8g9h0j1k2m3/ssh_01hxa3b4c5d6e7f8g9h0j1k2m3
terraform import hostup_hosting_ssh_key.deploy acct_01hxa3b4c5d6e7f8g9h0j1k2m3/SHA256:g+MLfmZ0SAqCtL/iy9B2sbhwrRlz6dr8+1rgUzmWPhI
