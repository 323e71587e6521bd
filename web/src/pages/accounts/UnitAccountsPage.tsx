import AccountsPage from './AccountsPage';

/** 本单位账号 (account.manage_unit). */
export default function UnitAccountsPage() {
  return <AccountsPage mode="unit" />;
}
