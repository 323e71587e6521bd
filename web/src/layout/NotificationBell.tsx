// The notification bell of the header: the unread count (GET /notifications?unread=true,
// every 30 s and on each page change) and a panel listing the latest notifications with their
// links; opening one marks it read, 全部已读 marks them all.
//
// A background poll must not keep an idle session alive (the server counts every request as
// activity): the count is polled only when the user has used the page (key, pointer, scroll)
// since the last poll, and never while the screen is locked or the tab is hidden.
import { BellOutlined, CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Badge, Button, Empty, Popover, Space, Spin, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { errorMessage } from '../api/client';
import { notificationApi } from '../api/endpoints';
import type { AppNotification } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { formatDateTime } from '../utils/format';

const POLL_MS = 30_000;

export default function NotificationBell() {
  const { locked } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<AppNotification[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** The user did something since the last poll. */
  const active = useRef(true);
  const lockedRef = useRef(locked);
  lockedRef.current = locked;

  const refreshCount = useCallback(async () => {
    if (lockedRef.current) return;
    try {
      const r = await notificationApi.list(true);
      setUnread(r.unread);
    } catch {
      // The count is a hint; the next poll tries again.
    }
  }, []);

  const loadList = useCallback(async () => {
    setLoading(true);
    try {
      const r = await notificationApi.list(false);
      setItems(r.items);
      setUnread(r.unread);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, []);

  // Note the user's activity between polls.
  useEffect(() => {
    const mark = () => {
      active.current = true;
    };
    const events = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'scroll'] as const;
    for (const e of events) window.addEventListener(e, mark, { passive: true, capture: true });
    return () => {
      for (const e of events) window.removeEventListener(e, mark, { capture: true });
    };
  }, []);

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (!active.current || document.visibilityState === 'hidden') return;
      active.current = false;
      void refreshCount();
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [refreshCount]);

  // A page change is the user's doing: ask now.
  useEffect(() => {
    void refreshCount();
  }, [location.pathname, refreshCount]);

  // Locked: close the panel; unlocked again: ask at once.
  const wasLocked = useRef(locked);
  useEffect(() => {
    if (locked) setOpen(false);
    else if (wasLocked.current) void refreshCount();
    wasLocked.current = locked;
  }, [locked, refreshCount]);

  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (next) void loadList();
  };

  const openItem = async (n: AppNotification) => {
    setOpen(false);
    if (!n.readAt) {
      setUnread((u) => Math.max(0, u - 1));
      try {
        await notificationApi.markRead(n.id);
      } catch (e) {
        message.error(errorMessage(e));
      }
    }
    // Marked before the page changes, so the count asked for on the new page is right.
    if (n.link) void navigate(n.link);
    void refreshCount();
  };

  const markAll = async () => {
    try {
      await notificationApi.markAllRead();
      const at = new Date().toISOString();
      setItems((list) => list?.map((x) => ({ ...x, readAt: x.readAt ?? at })) ?? null);
      setUnread(0);
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const content = (
    <div className="notification-list" data-testid="notification-panel">
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      {!items && loading && (
        <div style={{ textAlign: 'center', padding: 24 }}>
          <Spin />
        </div>
      )}
      {items && items.length === 0 && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无通知" />
      )}
      {items?.map((n) => (
        <div
          key={n.id}
          role="button"
          tabIndex={0}
          className={`notification-item${n.readAt ? '' : ' unread'}`}
          onClick={() => void openItem(n)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ' ') void openItem(n);
          }}
          data-testid="notification-item"
          data-unread={n.readAt ? 'false' : 'true'}
          data-kind={n.kind}
        >
          <Space size={6} align="start">
            <Badge status={n.readAt ? 'default' : 'processing'} />
            <div>
              <div className="title">{n.title}</div>
              <div className="body">{n.body}</div>
              <div className="time">{formatDateTime(n.createdAt)}</div>
            </div>
          </Space>
        </div>
      ))}
    </div>
  );

  return (
    <Popover
      open={open}
      onOpenChange={onOpenChange}
      trigger="click"
      placement="bottomRight"
      title={
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <span>通知{unread > 0 ? `（${unread} 条未读）` : ''}</span>
          <Space size={0}>
            <Tooltip title="刷新">
              <Button
                type="text"
                size="small"
                icon={<ReloadOutlined />}
                loading={loading}
                onClick={() => void loadList()}
              />
            </Tooltip>
            <Button
              type="link"
              size="small"
              icon={<CheckOutlined />}
              disabled={unread === 0}
              onClick={() => void markAll()}
              data-testid="notification-read-all"
            >
              全部已读
            </Button>
          </Space>
        </div>
      }
      content={content}
    >
      <Button
        type="text"
        className="notification-bell"
        aria-label={unread > 0 ? `通知，${unread} 条未读` : '通知'}
        data-testid="notification-bell"
        data-unread={unread}
      >
        <Badge count={unread} size="small" overflowCount={99} data-testid="notification-count">
          <BellOutlined style={{ fontSize: 18, color: 'rgba(255,255,255,0.92)' }} />
        </Badge>
      </Button>
    </Popover>
  );
}
