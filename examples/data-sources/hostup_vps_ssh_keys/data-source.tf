# Every ed25519 key whose name starts with "prod-", across all pages of the inventory.
data "hostup_vps_ssh_keys" "prod" {
  name_regex = "^prod-"
  key_type   = "ed25519"
}

output "prod_key_ids" {
  value = data.hostup_vps_ssh_keys.prod.keys[*].id
}
