# A hosting SSH key is imported by "accountId/keyId" (see the hostup_hosting_ssh_keys data source)
# or by "accountId/<SHA256 fingerprint>" (ssh-keygen -l -f key.pub).
terraform import hostup_hosting_ssh_key.deploy acct_01hxa3b4c5d6e7f8g9h0j1k2m3/ssh_01hxa3b4c5d6e7f8g9h0j1k2m3
terraform import hostup_hosting_ssh_key.deploy acct_01hxa3b4c5d6e7f8g9h0j1k2m3/SHA256:6Rv2pQQB27eVRAw+ah0Oc9Exn3Fg8v35+uf7Q2fmKfo
