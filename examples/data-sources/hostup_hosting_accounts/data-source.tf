# The shared-hosting account whose name is example.se, instead of a pasted acct_... id.
data "hostup_hosting_accounts" "site" {
  name_regex     = "^example\\.se$"
  service_status = "active"
}

data "hostup_hosting_ssh_keys" "site" {
  account_id = one(data.hostup_hosting_accounts.site.accounts).id
}

output "site_ssh_command" {
  value = data.hostup_hosting_ssh_keys.site.ssh_command
}
