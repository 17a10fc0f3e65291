DELETE FROM sessions; -- expect: delete-without-where
DELETE FROM ONLY public.sessions USING users; -- expect: delete-without-where
