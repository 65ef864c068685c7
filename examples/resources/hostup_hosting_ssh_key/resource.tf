# Every argument forces replacement: HostUp cannot rename or edit a hosting key.
resource "hostup_hosting_ssh_key" "deploy" {
  account_id = "acct_01hxa3b4c5d6e7f8g9h0j1k2m3"
  name       = "ci-deploy"
  public_key = file("${path.module}/keys/deploy.pub")
}

output "deploy_key_id" {
  value = hostup_hosting_ssh_key.deploy.id
}

output "deploy_key_fingerprint" {
  value = hostup_hosting_ssh_key.deploy.fingerprint
}

# The form HostUp's control panel shows (ssh-keygen -l -E md5).
output "deploy_key_fingerprint_md5" {
  value = hostup_hosting_ssh_key.deploy.fingerprint_md5
}

# Whether the key is in the account's authorized keys (an import HostUp answered with
# authorized = false is authorized before the apply reports it created).
output "deploy_key_authorized" {
  value = hostup_hosting_ssh_key.deploy.authorized
}
