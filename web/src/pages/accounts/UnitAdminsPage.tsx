import AccountsPage from './AccountsPage';

/** 单位管理员账号 (account.manage_admins). */
export default function UnitAdminsPage() {
  return <AccountsPage mode="unit-admins" />;
}
