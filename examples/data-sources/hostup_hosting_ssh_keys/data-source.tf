# The keys of one shared-hosting account, its SSH command, and whether keys can be added now.
data "hostup_hosting_ssh_keys" "site" {
  account_id = "acct_01hxa3b4c5d6e7f8g9h0j1k2m3"
}

output "site_key_ids" {
  value = data.hostup_hosting_ssh_keys.site.keys[*].id
}

output "site_ssh_command" {
  value = data.hostup_hosting_ssh_keys.site.ssh_command
}

# can_add_reason and can_add_code are set when can_add is false.
output "site_can_add_keys" {
  value = data.hostup_hosting_ssh_keys.site.can_add
}
